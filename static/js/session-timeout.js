// GOV.UK timeout warning: a modal dialog some time before the idle timeout, with "Stay signed in"
// (a request that restarts the server's idle clock) and "Sign out". When time runs out the page goes to
// the "You have been signed out" page. The server ends the session after the same idle time in any case,
// so this only warns; without JavaScript nothing shows and the next request says the session ended.
const dialog = document.querySelector('[data-module="app-timeout-warning"]');

if (dialog && typeof dialog.showModal === 'function') {
  // What the server had left when it drew the page; "Stay signed in" sets it to what the server answers.
  let timeout = Number(dialog.dataset.timeout) * 1000;
  const warning = Number(dialog.dataset.warning) * 1000;
  const countdown = dialog.querySelector('.app-timeout-countdown');
  const stay = dialog.querySelector('[data-timeout-action="stay"]');
  let warnTimer;
  let endTimer;
  let tick;
  let deadline;

  // In the page's language: Welsh keeps the singular noun after a number (5 munud, 30 eiliad).
  const welsh = document.documentElement.lang === 'cy';
  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return welsh ? `${minutes} munud` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
    }
    return welsh ? `${seconds} eiliad` : `${seconds} second${seconds === 1 ? '' : 's'}`;
  };

  const end = () => {
    window.location.href = dialog.dataset.timedOutUrl;
  };

  const warn = () => {
    dialog.showModal();
    countdown.textContent = words(deadline - Date.now());
    // Screen readers hear the countdown every 20 seconds, not every second.
    tick = window.setInterval(() => {
      const left = deadline - Date.now();
      if (left % 20000 < 1000 || left < 1000) countdown.textContent = words(left);
    }, 1000);
  };

  const start = () => {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(tick);
    deadline = Date.now() + timeout;
    warnTimer = window.setTimeout(warn, Math.max(0, timeout - warning));
    // A second after the server's limit, so the session is surely over when the page asks.
    endTimer = window.setTimeout(end, timeout + 1000);
  };

  stay.addEventListener('click', async () => {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!response.ok || response.redirected) {
        end();
        return;
      }
      const answer = await response.json();
      timeout = Number(answer.seconds_left) * 1000;
    } catch (error) {
      end();
      return;
    }
    dialog.close();
    start();
  });

  // Escape keeps the person signed in, as the pattern asks (closing the dialog is "stay").
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    stay.click();
  });

  start();
}

// The export status page (templates/exports/status.html): asks for the export's progress every two
// seconds and shows it, then reloads the page once the export is ready, has failed or has stopped, so the
// download link (or what went wrong) comes from the server, with the page title saying which. Screen
// readers hear the rows written at most once for every tenth of the way, from a live region of its own,
// not at every update of the visible text. These requests do not count as the reader being active: the
// session still ends after its idle time (hmicfrs_mou/signin/middleware.py, PASSIVE_PATHS).
const box = document.querySelector('[data-app-export-progress]');
if (box) {
  const url = box.dataset.statusUrl;
  const bar = box.querySelector('[data-export-bar]');
  const rows = box.querySelector('[data-export-rows]');
  const announce = box.querySelector('[data-export-announce]');
  const state = box.querySelector('[data-export-state]');
  box.querySelector('[data-export-updates]').hidden = false;
  let announced = -1;
  const check = async () => {
    let again = true;
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok) {
        const progress = await response.json();
        if (progress.state === 'ready' || progress.state === 'failed' || progress.overdue) {
          again = false;
          window.location.reload();
          return;
        }
        bar.value = progress.percent;
        bar.textContent = `${progress.percent}%`;
        state.textContent = progress.state_label;
        rows.textContent = progress.rows_text;
        const tenth = Math.floor(progress.percent / 10);
        if (progress.rows_total && tenth !== announced) {
          announced = tenth;
          announce.textContent = progress.rows_text;
        }
      }
    } catch (error) {
      // A lost connection or a server error: the next check tries again, and the link on the page works.
    } finally {
      if (again) window.setTimeout(check, 2000);
    }
  };
  window.setTimeout(check, 2000);
}

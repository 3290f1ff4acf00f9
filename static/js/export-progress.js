// The export status page (templates/exports/status.html): asks for the export's progress every two
// seconds and shows it, then reloads the page once the export is ready or has failed, so the download
// link (or the error) comes from the server. The rows written are announced politely, at most once for
// every tenth of the way, so a screen reader is not interrupted every two seconds.
const box = document.querySelector('[data-app-export-progress]');
if (box) {
  const url = box.dataset.statusUrl;
  const bar = box.querySelector('[data-export-bar]');
  const rows = box.querySelector('[data-export-rows]');
  const state = box.querySelector('[data-export-state]');
  let announced = -1;
  const check = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) return;
      const progress = await response.json();
      if (progress.state === 'ready' || progress.state === 'failed') {
        window.location.reload();
        return;
      }
      bar.value = progress.percent;
      bar.textContent = `${progress.percent}%`;
      state.textContent = progress.state_label;
      const tenth = Math.floor(progress.percent / 10);
      if (progress.rows_total && tenth !== announced) {
        announced = tenth;
        rows.textContent = progress.rows_text;
      }
    } catch (error) {
      // A lost connection: the next check tries again, and the link on the page still works.
    }
    window.setTimeout(check, 2000);
  };
  window.setTimeout(check, 2000);
}

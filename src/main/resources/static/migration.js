// Live progress of a migration run: its state and per-object counts are read again every second until the run ends,
// then the page reloads to show the reconcile report. A reload at any time shows the current state.
(function () {
  var box = document.getElementById('migration-run');
  if (!box || box.dataset.live !== 'true') {
    return;
  }
  function poll() {
    fetch('/api/v1/migrations/runs/' + box.dataset.run, {credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (run) {
      if (!run) {
        return;
      }
      document.getElementById('run-state').textContent = run.state.replace('_', ' ');
      document.getElementById('run-message').textContent = run.message || '';
      run.steps.forEach(function (s) {
        var row = document.querySelector('#run-steps tr[data-position="' + s.position + '"]');
        if (row) {
          var cells = row.querySelectorAll('td');
          cells[1].textContent = s.state;
          cells[2].textContent = s.read;
          cells[3].textContent = s.created;
          cells[4].textContent = s.updated;
          cells[5].textContent = s.unchanged;
          cells[6].textContent = s.failed;
        }
      });
      if (['queued', 'running'].indexOf(run.state) < 0) {
        location.reload();
      }
    }).finally(function () {
      setTimeout(poll, 1000);
    });
  }
  setTimeout(poll, 1000);
})();

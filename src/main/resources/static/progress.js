// Live progress of an import (or of its undo): server-sent events from /api/v1/jobs/{id}/events move the bar, and
// the import's counts are read again (at most once a second) so they grow as chunks are written. When the job ends
// the page reloads to show the final state, problems and files. A reload at any time shows the current state.
(function () {
  var box = document.getElementById('import-progress');
  if (!box || !box.dataset.job || box.dataset.live !== 'true') {
    return;
  }
  var bar = document.getElementById('progress-bar');
  var pct = document.getElementById('progress-percent');
  var text = document.getElementById('progress-text');
  var state = document.getElementById('import-state');
  var last = 0;
  function counts() {
    var now = Date.now();
    if (now - last < 1000) {
      return;
    }
    last = now;
    fetch('/api/v1/imports/' + box.dataset.import, {credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (s) {
      if (!s) {
        return;
      }
      ['created', 'updated', 'unchanged', 'skipped', 'failed'].forEach(function (k) {
        var cell = document.getElementById('count-' + k);
        if (cell) {
          cell.textContent = s[k];
        }
      });
      state.textContent = s.stateText;
    });
  }
  var events = new EventSource('/api/v1/jobs/' + box.dataset.job + '/events');
  events.addEventListener('progress', function (e) {
    var job = JSON.parse(e.data);
    var p = job.percent == null ? 0 : job.percent;
    bar.value = p;
    pct.textContent = p + ' %';
    var rate = job.rate ? ', ' + Math.round(job.rate) + ' a second' : '';
    var eta = job.etaSeconds != null ? ', about ' + job.etaSeconds + ' s left' : '';
    text.textContent = (job.message || (job.done + ' of ' + (job.total == null ? '?' : job.total))) + rate + eta;
    counts();
  });
  events.addEventListener('done', function () {
    events.close();
    window.location.reload();
  });
})();

// Live progress of an import's job: server-sent events from /api/v1/jobs/{id}/events update the bar; when the
// job ends the page reloads to show the final counts and problems. A reload at any time shows the current state.
(function () {
  var box = document.getElementById('import-progress');
  if (!box || !box.dataset.job || ['succeeded', 'failed', 'cancelled', 'undone'].indexOf(box.dataset.state) >= 0) {
    return;
  }
  var bar = document.getElementById('progress-bar');
  var pct = document.getElementById('progress-percent');
  var text = document.getElementById('progress-text');
  var events = new EventSource('/api/v1/jobs/' + box.dataset.job + '/events');
  events.addEventListener('progress', function (e) {
    var job = JSON.parse(e.data);
    var p = job.percent == null ? 0 : job.percent;
    bar.value = p;
    pct.textContent = p + ' %';
    var rate = job.rate ? ', ' + Math.round(job.rate) + ' rows/s' : '';
    var eta = job.etaSeconds != null ? ', about ' + job.etaSeconds + ' s left' : '';
    text.textContent = job.state + ': ' + job.done + ' of ' + (job.total == null ? '?' : job.total) + ' rows' + rate + eta;
  });
  events.addEventListener('done', function () {
    events.close();
    bar.value = 100;
    pct.textContent = '100 %';
    window.location.reload();
  });
})();

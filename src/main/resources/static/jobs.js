// Jobs pages follow running jobs: while one is queued or running, the page is read again every 2 s and its table
// (or the job's page) replaced, so state, progress and history move without a reload.
(function () {
  var box = document.getElementById('jobs') || document.getElementById('job-page');
  if (!box || box.dataset.live !== 'true') {
    return;
  }
  var id = box.id;
  function poll() {
    fetch(location.href, {credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (!html) {
        return;
      }
      var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById(id);
      var now = document.getElementById(id);
      if (!fresh || !now) {
        return;
      }
      now.replaceWith(fresh);
      if (window.hotcrmLocal) {
        window.hotcrmLocal(fresh);
      }
      if (fresh.dataset.live === 'true') {
        setTimeout(poll, 2000);
      }
    });
  }
  setTimeout(poll, 2000);
})();

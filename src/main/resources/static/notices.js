// The number of unread notices beside "Notices" in the setup menu, read when a page opens and every 15 s.
(function () {
  var badge = document.getElementById('notice-count');
  if (!badge) {
    return;
  }
  function refresh() {
    fetch('/api/v1/notices?unread=true', {credentials: 'same-origin'}).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (body) {
      if (!body) {
        return;
      }
      var n = body.notices.length;
      badge.textContent = n >= 100 ? '99+' : String(n);
      badge.hidden = n === 0;
      badge.setAttribute('aria-label', n + ' unread');
    });
  }
  refresh();
  setInterval(refresh, 15000);
})();

// The number of unread notices on the bell in the header, read when a page opens and every 15 s.
(function () {
  var badge = document.getElementById('notice-count');
  var bell = document.getElementById('notice-bell');
  if (!badge || !bell) {
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
      bell.setAttribute('aria-label', n === 0 ? 'Notices' : 'Notices, ' + n + ' unread');
    });
  }
  refresh();
  setInterval(refresh, 15000);
})();

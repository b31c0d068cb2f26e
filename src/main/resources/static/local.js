// Moments, numbers and amounts in the reader's own time zone and locale, in one format on every page. The server
// writes <time datetime="…Z"> (UTC text as the fallback) and <data value="…" data-scale="2"> for numbers.
(function () {
  var moment = new Intl.DateTimeFormat(undefined, {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit',
    minute: '2-digit', timeZoneName: 'short'});
  var day = new Intl.DateTimeFormat(undefined, {year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC'});
  function local(root) {
    root.querySelectorAll('time[datetime]').forEach(function (t) {
      var v = t.getAttribute('datetime');
      var d = new Date(v);
      if (isNaN(d.getTime())) {
        return;
      }
      t.textContent = t.classList.contains('day') ? day.format(d) : moment.format(d);
    });
    root.querySelectorAll('data.num[value]').forEach(function (n) {
      var v = Number(n.getAttribute('value'));
      if (isNaN(v)) {
        return;
      }
      var scale = Number(n.getAttribute('data-scale') || '0');
      var text = new Intl.NumberFormat(undefined, {minimumFractionDigits: scale, maximumFractionDigits: Math.max(scale, 6)}).format(v);
      n.textContent = n.classList.contains('percent') ? text + ' %' : text;
    });
  }
  local(document);
  window.hotcrmLocal = local;
  // the setup menu folds away on a narrow screen; the Menu button opens it
  var toggle = document.getElementById('menu-toggle');
  var menu = document.getElementById('setup-menu');
  if (toggle && menu) {
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      menu.classList.toggle('open', open);
    });
  }
})();

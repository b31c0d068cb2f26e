// The scheduled-export form shows what the choices need: the inputs of the chosen frequency, the settings of the
// chosen destination; choosing another object reloads its fields. Without this script every input shows and works.
(function () {
  var form = document.getElementById('schedule-form');
  if (!form) {
    return;
  }
  var frequency = document.getElementById('s-frequency');
  var type = document.getElementById('s-type');
  function show() {
    form.querySelectorAll('[data-when]').forEach(function (el) {
      el.hidden = el.getAttribute('data-when').split(' ').indexOf(frequency.value) < 0;
    });
    form.querySelectorAll('.destination').forEach(function (el) {
      el.hidden = el.getAttribute('data-kind') !== type.value;
    });
  }
  frequency.addEventListener('change', show);
  type.addEventListener('change', show);
  show();
  var refresh = document.getElementById('object-refresh');
  refresh.hidden = true;
  document.getElementById('s-object').addEventListener('change', function () {
    refresh.click();
  });
})();

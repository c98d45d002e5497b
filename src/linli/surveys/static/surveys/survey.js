/* Questionnaire page: a question that depends on an earlier answer is shown
   only when that answer includes its option; a hidden question's fields are
   disabled, so they are not sent (the server checks the same rule). */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  function update() {
    var boxes = form.querySelectorAll("[data-show-if-name]");
    Array.prototype.forEach.call(boxes, function (box) {
      var selector = 'input[name="' + box.getAttribute("data-show-if-name") + '"][value="' +
        box.getAttribute("data-show-if-value") + '"]';
      var control = form.querySelector(selector);
      var on = control !== null && control.checked && !control.disabled;
      box.hidden = !on;
      Array.prototype.forEach.call(box.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = !on;
      });
    });
  }
  form.addEventListener("change", update);
  update();
}());

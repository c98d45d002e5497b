// The till code counts down on the phone and renews itself while the page is open:
// a resident at the till never shows a code that has run out. After five renewals
// (ten minutes) it stops and asks for a tap, so a phone left open issues no more codes.
(function () {
  var box = document.getElementById("till-code");
  if (!box) return;
  var left = parseInt(box.getAttribute("data-seconds"), 10) || 0;
  var renewals = parseInt(box.getAttribute("data-renewals"), 10) || 0;
  var counter = document.getElementById("till-left");
  var form = document.getElementById("till-new");
  function tick() {
    if (left > 0) {
      counter.textContent = counter.getAttribute("data-template").replace("{s}", String(left));
      left -= 1;
      return;
    }
    clearInterval(timer);
    box.classList.add("expired");
    counter.textContent = counter.getAttribute("data-expired");
    if (renewals < 5 && document.visibilityState === "visible") {
      form.querySelector("input[name=renewals]").value = String(renewals + 1);
      form.submit();
    }
  }
  var timer = setInterval(tick, 1000);
  tick();
})();

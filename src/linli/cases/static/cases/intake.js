/* Progressive enhancement of the resident's intake form (the form works without it).
   When the phone runs JavaScript: photos are scaled down to 1600 px and re-encoded
   as JPEG before they leave the phone (smaller uploads on a slow connection, and
   no EXIF/GPS travels), and the send button is disabled after the first tap.
   The server checks and cleans every photo again either way. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-intake]");
  if (!form) return;
  var input = form.querySelector("input[type=file][name=photos]");
  var button = form.querySelector("button[type=submit]");
  var label = button ? button.textContent : "";
  var MAX_SIDE = 1600, MAX_PHOTOS = 6, busy = false;
  var canShrink = !!(window.Promise && window.DataTransfer && window.URL && HTMLCanvasElement.prototype.toBlob);

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 300 * 1024) { resolve(file); return; }
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () {
        var scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function setBusy(on) {
    busy = on;
    if (!button) return;
    button.disabled = on;
    button.textContent = on ? (button.getAttribute("data-busy") || label) : label;
  }

  form.addEventListener("submit", function (event) {
    if (busy) { event.preventDefault(); return; }
    setBusy(true);
    var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
    // Nothing to shrink, or too many photos (the server says so in Chinese): send as is.
    if (!canShrink || !files.length || files.length > MAX_PHOTOS) return;
    event.preventDefault();
    Promise.all(files.map(shrink)).then(function (out) {
      var dt = new DataTransfer();
      out.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
    }).catch(function () { /* keep the original files */ }).then(function () { form.submit(); });
  });
  // Back from the tracking page (page cache): the form is usable again.
  window.addEventListener("pageshow", function () { setBusy(false); });
})();

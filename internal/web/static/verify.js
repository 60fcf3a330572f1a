// Drag and drop for the verification form. The form works without this
// script: it only lets a file be dropped onto the file box, then submits.
(function () {
  "use strict";
  var form = document.querySelector("[data-drop-form]");
  var zone = document.querySelector("[data-drop-zone]");
  if (!form || !zone || !window.DataTransfer) {
    return;
  }
  var input = form.querySelector('input[type="file"]');
  var status = form.querySelector("[data-drop-status]");
  var hint = form.querySelector("[data-drop-hint]");
  if (hint) {
    hint.hidden = false;
  }
  var depth = 0;

  function hasFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return types && Array.prototype.indexOf.call(types, "Files") !== -1;
  }

  zone.addEventListener("dragenter", function (event) {
    if (!hasFiles(event)) { return; }
    event.preventDefault();
    depth++;
    zone.classList.add("is-dragging");
  });
  zone.addEventListener("dragover", function (event) {
    if (!hasFiles(event)) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });
  zone.addEventListener("dragleave", function () {
    depth = Math.max(0, depth - 1);
    if (depth === 0) { zone.classList.remove("is-dragging"); }
  });
  zone.addEventListener("drop", function (event) {
    if (!hasFiles(event)) { return; }
    event.preventDefault();
    depth = 0;
    zone.classList.remove("is-dragging");
    var files = event.dataTransfer.files;
    if (!files || files.length === 0) { return; }
    var transfer = new DataTransfer();
    transfer.items.add(files[0]);
    input.files = transfer.files;
    if (status) {
      status.textContent = "Checking " + files[0].name + "…";
    }
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();

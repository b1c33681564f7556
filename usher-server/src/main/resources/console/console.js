// Usher console: the only script besides htmx. Copy buttons: <button data-copy="element-id">.

// The message after an action ("Released the seat of carol") arrives with a new page, where a screen
// reader would not announce it: a live region only speaks about changes. So the page carries an empty
// role="status" region, and the message is put into it once the page has settled.
document.addEventListener("DOMContentLoaded", function () {
  var notice = document.getElementById("notice");
  var announce = document.getElementById("announce");
  if (notice && announce) {
    setTimeout(function () { announce.textContent = notice.textContent.trim(); }, 250);
  }
});

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source) {
    return;
  }
  var text = source.textContent.trim();
  var done = function () {
    var before = button.textContent;
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = before; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done);
  } else {
    // Plain HTTP on a LAN has no clipboard API: select the text so Ctrl+C copies it.
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
  }
});

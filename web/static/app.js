// gongkai: the only script on the site. It turns the citation boxes' copy
// buttons on; everything else works without JavaScript.
(function () {
  "use strict";
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  document.querySelectorAll("button.copy[data-citation]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      copy(b.getAttribute("data-citation")).then(function () {
        b.textContent = "已复制";
        b.dataset.copied = "1";
        setTimeout(function () { b.textContent = "复制"; }, 2000);
      }, function () {
        b.textContent = "请手动复制";
      });
    });
  });
})();

// Public ranking: search, filter and sort without reloading the page. The form and the links work without
// this script (the server reads ?q=&loai=&sap_xep=); here the same addresses are fetched and their results
// section put in place, and the address bar follows.
(function () {
  "use strict";
  var form = document.getElementById("loc");
  if (!form || !window.fetch || !window.DOMParser) return;
  var timer = null, asked = 0;

  function address() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) { if (value) params.append(name, value); });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function load(url) {
    var mine = ++asked;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}}).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null || mine !== asked) return;  // a later request is on its way: its answer wins
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("ket-qua");
      var here = document.getElementById("ket-qua");
      if (!fresh || !here) return;
      here.innerHTML = fresh.innerHTML;
      window.history.replaceState(null, "", url);
      var sort = new URL(url, window.location.href).searchParams.get("sap_xep") || "";
      form.elements.sap_xep.value = sort;
    }).catch(function () { window.location.href = url; });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); load(address()); });
  form.elements.q.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { load(address()); }, 250);
  });
  form.elements.loai.addEventListener("change", function () { load(address()); });
  form.elements.sap_xep.addEventListener("change", function () { load(address()); });
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("#ket-qua a.sx, #ket-qua a.trang") : null;
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    load(link.getAttribute("href"));
  });
})();

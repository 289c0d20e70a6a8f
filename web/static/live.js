// Live points: as figures are typed, ask the server (the same rules engine as scoring) and show the points.
(function () {
  var form = document.getElementById("bieu-mau");
  if (!form || !window.fetch) return;
  var timer = null;
  form.addEventListener("input", function (e) {
    if (!e.target.name || e.target.name.indexOf("so_lieu__") !== 0) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var data = new FormData(form);
      fetch(form.dataset.live, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.loi) return;
          var fmt = function (v) { return v === null ? "–" : v.toLocaleString("vi-VN", {maximumFractionDigits: 2}); };
          document.getElementById("tong").textContent = fmt(j.tong);
          Object.keys(j.tieu_chi).forEach(function (id) {
            var p = document.querySelector('[data-diem="' + id + '"]');
            var m = document.querySelector('[data-diem-muc="' + id + '"]');  // the summary's line of it
            if (m) m.textContent = fmt(j.tieu_chi[id].diem);
            var s = document.querySelector('[data-giai-thich="' + id + '"]');
            if (p) p.textContent = fmt(j.tieu_chi[id].diem);
            if (s) s.textContent = j.tieu_chi[id].giai_thich;
          });
        });
    }, 400);
  });
})();

// Data files: sent with the form's token in a header, so that the portal writes them to disk as they come instead
// of holding the whole body in memory to find the token among its fields; the bytes sent are shown as they go.
(function () {
  var form = document.getElementById("gui-du-lieu");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new FormData(form);
    var token = data.get("csrf");
    data.delete("csrf");
    var button = form.querySelector("button");
    var told = document.getElementById("tien-do");
    button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.upload.onprogress = function (p) {
      if (p.lengthComputable) told.textContent = "Đang gửi: " + Math.floor(p.loaded * 100 / p.total) + "%";
    };
    xhr.upload.onload = function () { told.textContent = "Đã gửi xong; đang kiểm tra và nhập…"; };
    xhr.onload = function () {
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () {
      told.textContent = "Không gửi được (mất kết nối?). Hãy thử lại.";
      button.disabled = false;
    };
    xhr.send(data);
  });
})();

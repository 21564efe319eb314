/* 巡察通 public pages: small progressive enhancements. Everything works without this file. */
(function () {
  "use strict";

  // 实名/匿名: show the identity fields only for a real-name report.
  var realFields = document.getElementById("real-name-fields");
  var modes = document.querySelectorAll("input[name=mode]");
  function syncMode() {
    if (!realFields) { return; }
    var anonymous = false;
    modes.forEach(function (m) { if (m.checked && m.value === "anonymous") { anonymous = true; } });
    realFields.classList.toggle("is-hidden", anonymous);
  }
  modes.forEach(function (m) { m.addEventListener("change", syncMode); });
  syncMode();

  // Another subject row, from the formset's empty form.
  var addButton = document.getElementById("add-subject");
  var template = document.getElementById("subject-template");
  var rows = document.getElementById("subject-rows");
  var total = document.getElementById("id_subjects-TOTAL_FORMS");
  var maxForms = document.getElementById("id_subjects-MAX_NUM_FORMS");
  if (addButton && template && rows && total) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var limit = maxForms ? parseInt(maxForms.value, 10) : 10;
      if (index >= limit) { addButton.hidden = true; return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      if (!row) { return; }
      var legend = row.querySelector("legend");
      if (legend) { legend.textContent = "被反映人 " + (index + 1); }
      rows.appendChild(row);
      total.value = String(index + 1);
      if (index + 1 >= limit) { addButton.hidden = true; }
      var first = row.querySelector("input");
      if (first) { first.focus(); }
    });
  }

  // Print the receipt.
  var printButton = document.getElementById("print-receipt");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }


  // Nothing typed is lost to a failed submission (the server unreachable, the database down, a 503 page):
  // before a public form is sent, what was typed is kept in this tab (sessionStorage: gone when the tab is
  // closed) and put back when the same form comes back empty, e.g. after "返回并重新提交". Files cannot be
  // kept (browsers do not allow it). The copy is dropped once the receipt or a success message shows.
  var SAVE_PREFIX = "xc-public-form:";
  var SKIP = /^(csrfmiddlewaretoken|stamp|homepage)$/;
  function tabStore() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  var tab = tabStore();
  function formKey(form) {
    var a = document.createElement("a");
    a.href = form.getAttribute("action") || window.location.href;
    return SAVE_PREFIX + a.pathname;
  }
  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP.test(el.name) && el.type !== "file" && el.type !== "hidden" &&
        el.type !== "submit" && el.type !== "button" && !el.closest(".hp") && !el.closest("template");
    });
  }
  function saveForm(form) {
    var data = {};
    keptFields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { data[el.name] = el.value; }
      } else {
        data[el.name] = el.value;
      }
    });
    var total = form.querySelector("input[name=subjects-TOTAL_FORMS]");
    if (total) { data["subjects-TOTAL_FORMS"] = total.value; }
    try { tab.setItem(formKey(form), JSON.stringify(data)); } catch (e) { /* full or disabled: nothing kept */ }
  }
  function restoreForm(form) {
    var raw = tab.getItem(formKey(form));
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    var content = form.querySelector("textarea[name=content]");
    // The server already put the text back (an error shown with the form): it wins.
    if (!content || content.value.trim() !== "" || !data.content) { return; }
    var total = form.querySelector("input[name=subjects-TOTAL_FORMS]");
    var wanted = parseInt(data["subjects-TOTAL_FORMS"] || "0", 10);
    var guard = 0;
    while (total && addButton && parseInt(total.value, 10) < wanted && guard < 10) { addButton.click(); guard++; }
    keptFields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = el.value === data[el.name];
        el.dispatchEvent(new Event("change"));
      } else {
        el.value = data[el.name];
      }
    });
    var box = document.createElement("p");
    box.className = "notice";
    box.id = "restored-notice";
    box.setAttribute("role", "status");
    box.textContent = "上次没有提交成功，您填写的内容已恢复（附件需要重新选择），请核对后再次提交。";
    form.insertBefore(box, form.firstElementChild);
  }
  if (tab) {
    if (document.getElementById("receipt") || document.querySelector(".messages .msg-success")) {
      var done = [];
      for (var i = 0; i < tab.length; i++) {
        var k = tab.key(i);
        if (k && k.indexOf(SAVE_PREFIX) === 0) { done.push(k); }
      }
      done.forEach(function (k) { tab.removeItem(k); });
    }
    document.querySelectorAll("form[method=post][enctype='multipart/form-data']").forEach(function (form) {
      if (!form.querySelector("textarea[name=content]")) { return; }
      restoreForm(form);
      form.addEventListener("submit", function () { saveForm(form); });
    });
  }

  // No double submission: the button says what is happening.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        window.setTimeout(function () { button.disabled = true; button.textContent = "正在提交，请稍候……"; }, 0);
      }
    });
  });
})();

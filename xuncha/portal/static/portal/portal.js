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

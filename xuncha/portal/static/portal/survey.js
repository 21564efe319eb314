/* 巡察通 public survey: show a conditional question only after its answer is chosen. Without this file
   every question shows (with a note saying when to answer it); the server ignores answers to questions
   its conditions hide. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var conditional = form.querySelectorAll("[data-show-if]");

  function chosen(name, value) {
    var inputs = form.querySelectorAll("input[name='" + name + "']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked && inputs[i].value === value) { return true; }
    }
    return false;
  }

  function sync() {
    conditional.forEach(function (box) {
      var show = chosen(box.getAttribute("data-show-if"), box.getAttribute("data-show-value"));
      box.hidden = !show;
      box.querySelectorAll("input, textarea").forEach(function (el) { el.disabled = !show; });
    });
    form.querySelectorAll(".show-if-hint").forEach(function (hint) { hint.hidden = true; });
  }

  form.addEventListener("change", sync);
  sync();
})();

/* The target field of the inspection form: as the office types, fill the <datalist> with the targets
 * whose name contains the text (server-side search, at most 20). Without this script the field still
 * works: the typed name is matched on the server, and after a submit the datalist lists the matches. */
(function () {
  "use strict";
  function setup() {
    var list = document.getElementById("target-options");
    if (!list) { return; }
    var input = document.querySelector("input[list='target-options']");
    var url = list.getAttribute("data-search-url");
    if (!input || !url) { return; }
    var timer = null;
    var asked = "";
    function fill(results) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      results.forEach(function (t) {
        var option = document.createElement("option");
        option.value = t.name;
        if (t.short_name) { option.textContent = t.short_name; }
        list.appendChild(option);
      });
    }
    function search() {
      var q = input.value.trim();
      if (!q || q === asked) { return; }
      asked = q;
      fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (q === asked) { fill(data.results || []); } })
        .catch(function () { /* keep the current options; the server matches the name on submit */ });
    }
    input.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(search, 200);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();

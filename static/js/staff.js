/* Staff pages: nothing typed is lost.
 *
 * 1. Idle timeout: two minutes before the session would expire a banner offers to stay signed in
 *    (a GET that renews the session); when it has expired the banner says so and how to go on.
 * 2. Drafts of long texts: every <textarea> of a POST form is kept in this browser while it is typed,
 *    per user and per form, and put back when the same form is shown again empty (after a timeout and
 *    a new login, a closed tab, an error page). The draft is dropped when the server confirms the
 *    form was saved (cookie `xc_saved` set on its redirect), when the user discards it, at logout, and
 *    after 24 hours.
 */
(function () {
  "use strict";
  var body = document.body;
  var user = body.getAttribute("data-user");
  if (!user) { return; }
  var PREFIX = "xc-draft:" + user + ":";
  var MAX_AGE_MS = 24 * 3600 * 1000;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var store = storage();

  function readCookie(name) {
    var parts = document.cookie.split("; ");
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split("=");
      if (kv[0] === name) {
        // Python's cookie writer puts a value with "/" in double quotes.
        return decodeURIComponent(kv.slice(1).join("=")).replace(/^"(.*)"$/, "$1");
      }
    }
    return null;
  }

  function actionPath(form) {
    var a = document.createElement("a");
    a.href = form.getAttribute("action") || window.location.href;
    return a.pathname;
  }

  function keyFor(form, field) {
    return PREFIX + actionPath(form) + ":" + field.name;
  }

  function forEachDraft(fn) {
    if (!store) { return; }
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf("xc-draft:") === 0) { keys.push(k); }
    }
    keys.forEach(function (k) {
      var value = null;
      try { value = JSON.parse(store.getItem(k)); } catch (e) { value = null; }
      fn(k, value);
    });
  }

  function notice(textarea, when, key) {
    var box = document.createElement("p");
    box.className = "draft-notice";
    box.textContent = "已恢复您在 " + when + " 未提交的草稿。";
    var drop = document.createElement("button");
    drop.type = "button";
    drop.className = "link";
    drop.textContent = "丢弃草稿";
    drop.addEventListener("click", function () {
      store.removeItem(key);
      textarea.value = "";
      box.remove();
    });
    box.appendChild(drop);
    textarea.parentNode.insertBefore(box, textarea);
  }

  function setUpDrafts() {
    if (!store) { return; }
    var now = Date.now();
    // Saved by the server (redirect after a successful POST): that form's drafts are done.
    var saved = readCookie("xc_saved");
    if (saved) {
      forEachDraft(function (k) {
        if (k.indexOf(PREFIX + saved + ":") === 0) { store.removeItem(k); }
      });
      document.cookie = "xc_saved=; Max-Age=0; path=/; SameSite=Lax";
    }
    forEachDraft(function (k, v) {
      if (!v || typeof v.at !== "number" || now - v.at > MAX_AGE_MS) { store.removeItem(k); }
    });
    var forms = document.querySelectorAll("main form[method='post'], main form[method='POST']");
    Array.prototype.forEach.call(forms, function (form) {
      Array.prototype.forEach.call(form.querySelectorAll("textarea[name]"), function (field) {
        if (field.hasAttribute("data-no-draft")) { return; }
        var key = keyFor(form, field);
        var draft = null;
        try { draft = JSON.parse(store.getItem(key)); } catch (e) { draft = null; }
        if (draft && draft.text && !field.value.trim()) {
          field.value = draft.text;
          notice(field, new Date(draft.at).toLocaleString("zh-CN"), key);
        }
        var timer = null;
        field.addEventListener("input", function () {
          window.clearTimeout(timer);
          timer = window.setTimeout(function () {
            if (field.value.trim()) {
              store.setItem(key, JSON.stringify({ text: field.value, at: Date.now() }));
            } else {
              store.removeItem(key);
            }
          }, 400);
        });
      });
    });
    // Signing out leaves nothing of this user's drafts in the browser.
    var logout = document.getElementById("logout-form");
    if (logout) {
      logout.addEventListener("submit", function () {
        forEachDraft(function (k) { if (k.indexOf(PREFIX) === 0) { store.removeItem(k); } });
      });
    }
  }

  function setUpIdleWarning() {
    var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
    var pingUrl = body.getAttribute("data-keepalive-url");
    if (!idle || !pingUrl) { return; }
    var lead = Math.min(120, Math.floor(idle / 3));
    var banner = null;
    var warnTimer = null;
    var expireTimer = null;

    function showBanner(expired) {
      if (!banner) {
        banner = document.createElement("div");
        banner.className = "idle-banner";
        banner.setAttribute("role", "alert");
        document.body.insertBefore(banner, document.body.firstChild);
      }
      banner.textContent = "";
      var text = document.createElement("span");
      if (expired) {
        text.textContent = "由于长时间未操作，您已退出登录。已填写的长文本已保存为草稿，重新登录后回到本页即可继续。";
        var again = document.createElement("a");
        again.href = window.location.pathname + window.location.search;
        again.textContent = "重新登录";
        banner.appendChild(text);
        banner.appendChild(again);
        return;
      }
      text.textContent = "您已较长时间未操作，约 " + Math.round(lead / 60) + " 分钟后将自动退出登录。";
      var stay = document.createElement("button");
      stay.type = "button";
      stay.textContent = "继续工作";
      stay.addEventListener("click", renew);
      banner.appendChild(text);
      banner.appendChild(stay);
    }

    function schedule() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(expireTimer);
      warnTimer = window.setTimeout(function () { showBanner(false); }, (idle - lead) * 1000);
      expireTimer = window.setTimeout(function () { showBanner(true); }, idle * 1000);
    }

    function renew() {
      fetch(pingUrl, { credentials: "same-origin", headers: { "X-Requested-With": "keepalive" } })
        .then(function (r) {
          if (r.ok) {
            if (banner) { banner.remove(); banner = null; }
            schedule();
          } else {
            showBanner(true);
          }
        })
        .catch(function () { /* offline: keep the banner */ });
    }

    schedule();
  }

  // Irreversible acts: a form with data-confirm says what will happen and asks first.
  function setUpConfirmations() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  }

  setUpDrafts();
  setUpIdleWarning();
  setUpConfirmations();
})();

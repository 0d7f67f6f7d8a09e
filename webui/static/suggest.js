/* vnsearch search-as-you-type: a progressive enhancement of the plain search form.
   Debounced fetch to /api/suggest, an ARIA combobox + listbox, keyboard navigation.
   Titles are inserted with textContent only: nothing from the server becomes markup. */
(function () {
  "use strict";

  var input = document.getElementById("q");
  if (!input || !window.fetch) { return; }

  var endpoint = input.getAttribute("data-suggest-url") || "/api/suggest";
  var DELAY_MS = 150;
  var MIN_CHARS = 2;
  var MIN_ROOM_PX = 150; /* the list's least height on screen: three options */
  var list = document.createElement("ul");
  var status = document.createElement("div");
  var items = [];
  var active = -1;
  var timer = null;
  var pending = null;
  var shownFor = null;

  list.id = "q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Gợi ý tìm kiếm");
  /* driven from the box (aria-activedescendant), never focused: a list that scrolls is a Tab
     stop in Chromium, and Tab from the box focused it, whose blur emptied it; focus fell to
     the page, on a phone or at 200% zoom (bug hunt 86) */
  list.tabIndex = -1;
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  input.parentNode.appendChild(list);
  input.parentNode.appendChild(status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    shownFor = null;
    list.removeAttribute("data-for");
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    status.textContent = ""; /* "10 gợi ý" stayed for a screen reader after the list closed (bug hunt 86) */
  }

  function fitToScreen() {
    /* The list hangs below the box, and on a phone's centred home page, or with its keyboard
       up, most of it fell below the screen: 91 of 240 px at 360×400 (bug hunt 86). It is no
       taller than the room left on screen; where that is under MIN_ROOM_PX, the box scrolls
       to the top first. */
    var view = window.visualViewport;
    var bottom = function () { return view ? view.offsetTop + view.height : window.innerHeight; };
    list.style.maxHeight = "";
    var room = bottom() - list.getBoundingClientRect().top - 8;
    if (room < MIN_ROOM_PX) {
      input.scrollIntoView({ block: "start" });
      room = bottom() - list.getBoundingClientRect().top - 8;
    }
    if (room < parseFloat(window.getComputedStyle(list).maxHeight)) {
      list.style.maxHeight = Math.max(MIN_ROOM_PX, room) + "px";
    }
  }

  function setActive(index) {
    if (active >= 0 && items[active]) { items[active].el.setAttribute("aria-selected", "false"); }
    active = index;
    if (active >= 0 && items[active]) {
      items[active].el.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[active].el.id);
      items[active].el.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open(article) {
    // the article marks what was typed, and its way back is that search with the page's
    // filters and order (the form's hidden fields): they were dropped (bug hunt 70). What
    // was typed is the text the option was suggested for: a click on a list that the text
    // has since left opened a gold-price article to mark "ha noi" (bug hunt 80)
    var typed = shownFor || input.value.trim();
    var href = "/articles/" + encodeURIComponent(article.id);
    if (typed) {
      var args = new URLSearchParams({ q: typed });
      var kept = input.form ? input.form.querySelectorAll("input[type=hidden]") : [];
      for (var i = 0; i < kept.length; i++) { args.append(kept[i].name, kept[i].value); }
      href += "?" + args.toString();
    }
    window.location.assign(href);
  }

  function render(suggestions, typed) {
    close();
    if (!suggestions.length) {
      status.textContent = "";
      return;
    }
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = s.title;
      li.addEventListener("click", function () { open(s); });
      list.appendChild(li);
      items.push({ el: li, data: s });
    });
    shownFor = typed;
    list.setAttribute("data-for", typed); /* the text the list is for: one shown while more is typed is not */
    list.hidden = false;
    fitToScreen();
    input.setAttribute("aria-expanded", "true");
    status.textContent = suggestions.length + " gợi ý. Dùng phím mũi tên để chọn.";
  }

  function letters(text) {
    /* letters as read, not UTF-16 units: "ợ" typed in NFD is 3 units, one letter (bug hunt 89) */
    return Array.from(text.normalize ? text.normalize("NFC") : text).length;
  }

  function load() {
    var typed = input.value.trim();
    if (letters(typed) < MIN_CHARS) { close(); return; }
    if (typed === shownFor) { return; }
    if (pending) { pending.abort(); }
    var controller = window.AbortController ? new AbortController() : null;
    pending = controller;
    fetch(endpoint + "?q=" + encodeURIComponent(typed), {
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (data) {
        if (input.value.trim() !== typed || document.activeElement !== input) { return; }
        var rows = Array.isArray(data) ? data : (data && (data.suggestions || data.results)) || [];
        render(rows.filter(function (s) { return s && s.id && s.title; }).slice(0, 10), typed);
      })
      .catch(function (error) {
        /* offline or no API: the plain form still works, and no list for other text stays. One
           aborted for the next key's request leaves the list as it is until that one answers:
           closed, the list stayed hidden while a user typed on a slow link (bug hunt 89) */
        if (error && error.name === "AbortError") { return; }
        if (input.value.trim() !== shownFor) { close(); }
      });
  }

  input.addEventListener("input", function () {
    /* the option chosen stood for the text before: Enter now searches what the box holds, where
       it opened that option's article until the new list came (bug hunt 75) */
    if (input.value.trim() !== shownFor) { setActive(-1); }
    window.clearTimeout(timer);
    timer = window.setTimeout(load, DELAY_MS);
  });

  function cancel() {
    /* no list is to come for the text as it is: none pending, none asked for */
    window.clearTimeout(timer);
    if (pending) { pending.abort(); pending = null; }
  }

  input.addEventListener("keydown", function (event) {
    /* a list for the text before is not chosen from: ArrowDown and Enter picked an option of
       "gia vang" after the box said "ha noi" (bug hunt 80); ArrowDown asks for the text's own.
       Keys that compose a word (an input method's Enter commits it) are the input method's:
       that Enter closed the list and dropped its request (bug hunt 89) */
    if (event.isComposing || event.keyCode === 229) { return; }
    var current = input.value.trim() === shownFor;
    var openList = !list.hidden && items.length > 0 && current;
    if (event.key === "ArrowDown" && openList) {
      event.preventDefault();
      setActive(active + 1 >= items.length ? 0 : active + 1);
    } else if (event.key === "ArrowDown" && (list.hidden || !current)) {
      event.preventDefault(); /* a combobox's list opens again on ArrowDown, after Escape too */
      window.clearTimeout(timer);
      load();
    } else if (event.key === "ArrowUp" && openList) {
      event.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && openList && active >= 0) {
      event.preventDefault();
      open(items[active].data);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault(); /* keep the text: a search box clears itself on Escape */
      cancel(); /* the list asked for just before came back after Escape (bug hunt 80) */
      close();
    } else if (event.key === "Enter") {
      cancel();
      close();
    }
  });

  if (window.visualViewport) { /* a phone's keyboard opens or closes under an open list */
    window.visualViewport.addEventListener("resize", function () { if (!list.hidden) { fitToScreen(); } });
  }

  /* a click on an option must not blur the input first */
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  input.addEventListener("blur", function () { cancel(); close(); });
}());

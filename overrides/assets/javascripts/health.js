/* The health library's own script, loaded just before Material's bundle (the finishing step in
   healthpages/render.py puts it there). It does three small things, each cheaper than what it replaces:

   1. The colour-scheme switch. Material's own switch restyles the whole page twice on every load, even
      when nothing changes (the biggest part of its main-thread time on a long page); this one touches
      the page only when the scheme really changes. It follows the system's scheme until the reader
      chooses one, and keeps that choice where Material's head script reads it (`__md_get("__palette")`).
   2. The search index loads when a reader first opens the search (the search box gets the focus, the
      search button is pressed, or a search key is typed), not with every page.
   3. The header's menu and search buttons (buttons the finishing step puts inside Material's labels) work
      with Enter and Space and say whether the menu is open. On a narrow screen, where
      the menu covers the page, opening it takes the keyboard into it and the keyboard leaving it (or
      Escape) closes it. Opening the search puts the keyboard in its box.
   4. In the menu on a narrow screen, where sections open as panels, each section's opener and each
      panel's title (which goes back) get a button the keyboard can reach; on a wide screen, where every
      section is open, they are headings again.
*/
(function () {
  "use strict";

  /* 1. Colour scheme */
  var form = document.querySelector("[data-health-palette]");
  if (form && typeof __md_get === "function") {
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input.md-option"));
    var colour = function (input) {
      return {
        media: input.getAttribute("data-md-color-media"),
        scheme: input.getAttribute("data-md-color-scheme"),
        primary: input.getAttribute("data-md-color-primary"),
        accent: input.getAttribute("data-md-color-accent")
      };
    };
    var apply = function (index, chosen) {
      var input = inputs[index];
      var color = colour(input);
      input.checked = true;
      if (chosen) document.body.setAttribute("data-md-color-switching", "");
      Object.keys(color).forEach(function (key) {
        var name = "data-md-color-" + key;
        if (document.body.getAttribute(name) !== color[key]) document.body.setAttribute(name, color[key]);
      });
      inputs.forEach(function (other, at) {
        var label = other.nextElementSibling;
        if (label && label.tagName === "LABEL") label.hidden = at !== index;
      });
      if (chosen) {
        __md_set("__palette", { index: index, color: color });
        requestAnimationFrame(function () { document.body.removeAttribute("data-md-color-switching"); });
      }
    };
    var system = function () {
      for (var at = 0; at < inputs.length; at++) {
        if (matchMedia(inputs[at].getAttribute("data-md-color-media")).matches) return at;
      }
      return 0;
    };
    var stored = __md_get("__palette");
    var start = stored && typeof stored.index === "number" && inputs[stored.index] ? stored.index : system();
    if (inputs.length) apply(start, false);
    form.addEventListener("change", function (event) {
      var at = inputs.indexOf(event.target);
      if (at >= 0) apply(at, true);
    });
    // Enter on the focused switch moves to the next scheme, as in Material.
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      var next = inputs[(inputs.indexOf(document.activeElement) + 1) % inputs.length];
      next.click();
      next.focus();
    });
    inputs.forEach(function (input, at) {
      matchMedia(input.getAttribute("data-md-color-media")).addEventListener("change", function (event) {
        if (event.matches && !__md_get("__palette")) apply(at, false);
      });
    });
  }

  /* 2. The search index, when a reader first searches */
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var wanted = /[?&]h=/.test(location.search); // a search result's link highlights the words searched for
  var waiting = [];
  var want = function () {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (go) { go(); });
  };
  XMLHttpRequest.prototype.open = function (method, url) {
    this.healthSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (request.healthSearchIndex && !wanted) {
      waiting.push(function () { send.apply(request, args); });
      return;
    }
    return send.apply(request, args);
  };
  var searchToggle = document.getElementById("__search");
  if (searchToggle) {
    searchToggle.addEventListener("change", want);
    searchToggle.addEventListener("change", function () {
      var input = document.querySelector(".md-search__input");
      if (searchToggle.checked && input && document.activeElement !== input) input.focus();
    });
  }
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof Element && event.target.matches(".md-search__input")) want();
  });

  /* 3. The header's buttons: a button inside each label (the finishing step puts it there), so that a tap
     on it still works the label's checkbox, with or without this script */
  var drawer = document.getElementById("__drawer");
  var menu = document.querySelector("label[for='__drawer'] > [role=button]");
  var sidebar = document.querySelector(".md-sidebar--primary");
  var narrow = matchMedia("(max-width: 76.234375em)");
  var shown = function (el) { return el.checkVisibility({ visibilityProperty: true }); };
  if (drawer && menu && sidebar) {
    var expanded = function () { menu.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); };
    expanded();
    drawer.addEventListener("change", expanded);
    // An opened menu takes the keyboard into it; the keyboard leaving it closes it (it covers the page).
    drawer.addEventListener("change", function () {
      if (!drawer.checked || !narrow.matches) return;
      var first = Array.prototype.slice.call(sidebar.querySelectorAll("a[href], [role=button]")).filter(shown)[0];
      if (first) first.focus();
    });
    document.addEventListener("focusin", function (event) {
      if (drawer.checked && narrow.matches && !sidebar.contains(event.target)) drawer.click();
    });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var pressed = event.key === " " || event.key === "Enter";
    if (pressed && target instanceof HTMLElement && target.getAttribute("role") === "button" && target.closest("label")) {
      event.preventDefault();
      target.click(); // the click reaches the label, which works its checkbox
    } else if (event.key === "Escape" && drawer && drawer.checked) {
      drawer.click();
      if (menu) menu.focus();
    }
  });

  /* 4. The menu's panels on a narrow screen: a button inside each section's opener and each panel's title */
  var text = function (el) { return el.textContent.replace(/\s+/g, " ").trim(); };
  var panelLabels = Array.prototype.slice.call(
    document.querySelectorAll(".md-nav--primary label.md-nav__link[for^='__nav'], .md-nav--primary label.md-nav__title[for^='__nav']")
  );
  var panelButtons = function () {
    panelLabels.forEach(function (label) {
      var button = label.querySelector(":scope > .health-nav-button");
      if (narrow.matches && !button) {
        button = document.createElement("span");
        button.className = "health-nav-button";
        button.setAttribute("role", "button");
        button.setAttribute("tabindex", "0");
        var toggle = document.getElementById(label.htmlFor);
        if (label.classList.contains("md-nav__title")) {
          button.setAttribute("aria-label", text(label) + ": back to the menu");
        } else {
          // An opener beside its section's own page link shows only an arrow.
          var link = label.parentElement && label.parentElement.querySelector("a");
          if (!text(label)) button.setAttribute("aria-label", "More in " + (link ? text(link) : "this section"));
          var state = function () { button.setAttribute("aria-expanded", toggle && toggle.checked ? "true" : "false"); };
          state();
          if (toggle) toggle.addEventListener("change", state);
        }
        while (label.firstChild) button.appendChild(label.firstChild);
        label.appendChild(button);
      } else if (!narrow.matches && button) {
        while (button.firstChild) label.insertBefore(button.firstChild, button);
        button.remove();
      }
    });
  };
  panelButtons();
  narrow.addEventListener("change", panelButtons);
})();

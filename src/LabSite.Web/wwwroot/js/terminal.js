// The lab terminals: one xterm.js per tab in #terminal, each talking to /labs/{lab}/terminal?tab=N over its own
// WebSocket, plus the Files tab (the editor, server-rendered by htmx; the step pane beside it is a Blazor component). Shells live on the server and outlive sockets, so
// after a network blip or a reload each tab reconnects to its session and the server replays the recent screen.
(function () {
  "use strict";

  var panel = document.getElementById("terminal-panel");
  var screens = document.getElementById("terminal");
  var tablist = document.getElementById("terminal-tablist");
  var addButton = document.getElementById("terminal-new");
  var message = document.getElementById("terminal-message");
  var filesTab = document.getElementById("terminal-tab-files");
  var filesView = document.getElementById("workspace-view");
  // The Flows tab (the interactive flow map) is optional: a page without it keeps the terminals and Files.
  var flowsTab = document.getElementById("terminal-tab-flows");
  var flowsView = document.getElementById("flowmap-view");
  if (!panel || !screens || !tablist || !addButton || !filesTab || !filesView
      || !window.Terminal || !window.FitAddon || !window.WebSocket) return;

  var labId = panel.dataset.labId;
  var maxTabs = parseInt(panel.dataset.maxTabs, 10) || 4;
  var maxAttempts = 10;
  var tabs = {};          // tab number -> { number, term, fit, socket, view, button, wrapper, attempts, state, opened, closed }
  var active = null;      // a tab number, "files" or "flows"
  var lastTerminal = null;

  function showMessage(text) {
    message.textContent = text;
    message.hidden = false;
    window.clearTimeout(showMessage.timer);
    showMessage.timer = window.setTimeout(function () { message.hidden = true; }, 8000);
  }

  function numbers() {
    return Object.keys(tabs).map(Number).sort(function (a, b) { return a - b; });
  }

  function setState(tab, state) {
    tab.state = state;
    if (active === tab.number) panel.dataset.state = state;
  }

  function send(tab, payload) {
    if (tab.socket && tab.socket.readyState === WebSocket.OPEN) tab.socket.send(JSON.stringify(payload));
  }

  function connect(tab) {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + location.host + "/labs/" + encodeURIComponent(labId) + "/terminal?tab=" + tab.number);
    tab.socket = socket;
    socket.onopen = function () {
      tab.attempts = 0;
      setState(tab, "connected");
      send(tab, { type: "resize", cols: tab.term.cols, rows: tab.term.rows });
    };
    socket.onmessage = function (event) { tab.term.write(event.data); };
    socket.onclose = function (event) {
      if (tab.closed) return;
      setState(tab, "disconnected");
      // 1000: the shell ended (exit, Ctrl-D) or another browser tab took the session over: do not fight over it.
      if (event.code === 1000) {
        tab.term.write("\r\n[disconnected: reload the page to continue]\r\n");
        return;
      }
      if (tab.attempts >= maxAttempts) {
        tab.term.write("\r\n[the terminal cannot reach the server; reload the page to try again]\r\n");
        return;
      }
      var delay = Math.min(8000, 500 * Math.pow(2, tab.attempts++));
      tab.term.write("\r\n[connection lost; reconnecting in " + Math.round(delay / 1000) + " s]\r\n");
      window.setTimeout(function () { if (!tab.closed) connect(tab); }, delay);
    };
  }

  // Tab buttons sit in the tablist in number order, before Files; each has a close button beside it (mouse), and
  // Delete on the focused tab closes it (keyboard).
  function createTab(number) {
    var view = document.createElement("div");
    view.id = "terminal-view-" + number;
    view.className = "terminal-view";
    view.setAttribute("role", "tabpanel");
    view.setAttribute("aria-labelledby", "terminal-tab-" + number);
    view.hidden = true;
    screens.appendChild(view);

    var wrapper = document.createElement("span");
    wrapper.className = "terminal-tab";
    wrapper.setAttribute("role", "presentation");
    var button = document.createElement("button");
    button.type = "button";
    button.id = "terminal-tab-" + number;
    button.setAttribute("role", "tab");
    button.setAttribute("aria-selected", "false");
    button.setAttribute("aria-controls", view.id);
    button.tabIndex = -1;
    button.dataset.tab = String(number);
    button.setAttribute("aria-keyshortcuts", "Delete");
    button.textContent = "Terminal " + number;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "terminal-tab__close";
    close.tabIndex = -1;
    close.dataset.close = String(number);
    // Hidden from assistive technology: a tablist may hold only tabs, and the keyboard closes a tab with Delete
    // (announced through the tab's aria-keyshortcuts); the button is for the mouse and never in the tab order.
    close.setAttribute("aria-hidden", "true");
    close.title = "Close Terminal " + number + " (Delete)";
    close.textContent = "\u00d7";
    wrapper.appendChild(button);
    wrapper.appendChild(close);
    var before = filesTab.parentNode; // terminals come before Files (and Flows after it)
    numbers().forEach(function (n) {
      if (n > number && before === filesTab.parentNode) before = tabs[n].wrapper;
    });
    tablist.insertBefore(wrapper, before);

    // reflowCursorLine stays off (xterm.js's default, set here because the shell relies on it): on a resize the shell
    // redraws the line being edited itself (LineEditor.Resize), from rows the terminal left as they were.
    var term = new window.Terminal({ cursorBlink: true, scrollback: 5000, fontSize: 13, reflowCursorLine: false });
    var fit = new window.FitAddon.FitAddon();
    term.loadAddon(fit);
    var tab = { number: number, term: term, fit: fit, socket: null, view: view, button: button, wrapper: wrapper, attempts: 0, state: "connecting", opened: false, closed: false };
    // Tab belongs to the shell (completion), so Esc then Tab (or Shift+Tab) leaves the terminal instead: no keyboard
    // trap. Pressing Shift alone does not end the escape, or Esc, Shift+Tab would complete instead of leaving.
    var escaped = false;
    term.attachCustomKeyEventHandler(function (event) {
      if (event.type !== "keydown" || event.key === "Shift") return true;
      if (event.key === "Tab" && escaped) {
        escaped = false;
        return false;
      }
      escaped = event.key === "Escape";
      return true;
    });
    term.onData(function (data) { send(tab, { type: "input", data: data }); });
    term.onResize(function (size) { send(tab, { type: "resize", cols: size.cols, rows: size.rows }); });
    tabs[number] = tab;
    updateAddButton();
    return tab;
  }

  // At the cap "+" stays clickable (not disabled), so pressing it explains the limit in the status line.
  function updateAddButton() {
    var full = numbers().length >= maxTabs;
    addButton.dataset.full = full ? "true" : "false";
    addButton.title = full ? "At most " + maxTabs + " terminals per lab" : "New terminal";
  }

  // Shows one tab. A terminal opens its xterm and socket the first time it is shown (a hidden element cannot be measured).
  function activate(key, focusTerminal) {
    active = key;
    numbers().forEach(function (n) {
      var tab = tabs[n];
      var selected = n === key;
      tab.button.setAttribute("aria-selected", selected ? "true" : "false");
      tab.button.tabIndex = selected ? 0 : -1;
      tab.view.hidden = !selected;
    });
    var files = key === "files";
    var flows = key === "flows";
    filesTab.setAttribute("aria-selected", files ? "true" : "false");
    filesTab.tabIndex = files ? 0 : -1;
    filesView.hidden = !files;
    if (flowsTab && flowsView) {
      flowsTab.setAttribute("aria-selected", flows ? "true" : "false");
      flowsTab.tabIndex = flows ? 0 : -1;
      flowsView.hidden = !flows;
    }
    screens.hidden = files || flows;
    if (files) {
      showFiles();
      return;
    }
    if (flows) return;
    var tab = tabs[key];
    lastTerminal = key;
    if (!tab.opened) {
      tab.opened = true;
      tab.term.open(tab.view);
    }
    tab.fit.fit();
    if (!tab.socket) connect(tab);
    panel.dataset.state = tab.state;
    if (focusTerminal) tab.term.focus();
  }

  function addTab() {
    for (var n = 1; n <= maxTabs; n++) {
      if (!tabs[n]) {
        createTab(n);
        activate(n, true);
        return;
      }
    }
    showMessage("A lab has at most " + maxTabs + " terminals. Close one (\u00d7) to open another.");
  }

  function closeTab(number) {
    var tab = tabs[number];
    if (!tab) return;
    tab.closed = true;
    delete tabs[number];
    // The server ends the shell; its socket then closes normally.
    fetch(panel.dataset.closeUrl + "?tab=" + number, { method: "POST", headers: antiforgeryHeaders(), credentials: "same-origin" })
      .catch(function () { /* the shell is closed by the idle timeout instead */ });
    if (tab.socket) tab.socket.close(1000);
    tab.term.dispose();
    tab.wrapper.remove();
    tab.view.remove();
    var left = numbers();
    if (left.length === 0) {
      // A lab always has a terminal: a fresh shell replaces the last one closed.
      createTab(1);
      left = [1];
    }
    updateAddButton();
    if (active === number) {
      var next = left.filter(function (n) { return n < number; }).pop() || left[0];
      activate(next, false);
      tabs[next].button.focus();
    } else if (lastTerminal === number) {
      lastTerminal = left[0];
    }
  }

  // The antiforgery token htmx sends, from <body hx-headers>.
  function antiforgeryHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (e) {
      return {};
    }
  }

  // The Files tab reloads the folder each time it is shown (the shell may have changed it) unless the open file has
  // unsaved edits.
  function showFiles() {
    var workspace = document.getElementById("workspace");
    var text = document.getElementById("workspace-text");
    if (!window.htmx || (text && text.dataset.dirty === "true")) return;
    var open = workspace && workspace.querySelector("input[name=path][type=hidden]");
    var url = filesView.dataset.panelUrl + (open ? "?path=" + encodeURIComponent(open.value) : "");
    window.htmx.ajax("GET", url, { target: "#workspace", swap: "outerHTML" });
  }

  function allTabButtons() {
    return Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
  }

  function keyOf(button) {
    return button.dataset.tab === "files" || button.dataset.tab === "flows" ? button.dataset.tab : Number(button.dataset.tab);
  }

  tablist.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close]");
    if (close) {
      closeTab(Number(close.dataset.close));
      return;
    }
    var button = event.target.closest("[role=tab]");
    if (button) activate(keyOf(button), true);
  });

  // Arrow keys, Home and End move between tabs (selection follows focus); Delete closes a terminal tab.
  tablist.addEventListener("keydown", function (event) {
    var button = event.target.closest("[role=tab]");
    if (!button) return;
    var buttons = allTabButtons();
    var at = buttons.indexOf(button);
    var to = null;
    if (event.key === "ArrowRight") to = buttons[(at + 1) % buttons.length];
    else if (event.key === "ArrowLeft") to = buttons[(at - 1 + buttons.length) % buttons.length];
    else if (event.key === "Home") to = buttons[0];
    else if (event.key === "End") to = buttons[buttons.length - 1];
    else if (event.key === "Delete" && button.dataset.tab !== "files" && button.dataset.tab !== "flows") {
      event.preventDefault();
      closeTab(Number(button.dataset.tab));
      return;
    }
    if (!to) return;
    event.preventDefault();
    activate(keyOf(to), false);
    to.focus();
  });

  addButton.addEventListener("click", addTab);

  // A step's runnable code blocks get a button that types the code into the active terminal (or the last one used,
  // when Files is showing) and runs it.
  function typeInto(code) {
    var number = !tabs[active] ? lastTerminal : active;
    if (!tabs[number]) number = numbers()[0];
    activate(number, true);
    var text = code.replace(/\r?\n$/, "").replace(/\r?\n/g, "\r") + "\r";
    var tab = tabs[number];
    if (tab.socket && tab.socket.readyState === WebSocket.OPEN) {
      send(tab, { type: "input", data: text });
    } else {
      showMessage("Terminal " + number + " is not connected yet; try again in a moment.");
    }
  }

  function addRunButtons(root) {
    var blocks = root.querySelectorAll ? root.querySelectorAll(".lab-code[data-runnable=true]") : [];
    Array.prototype.forEach.call(blocks, function (block) {
      if (block.querySelector(".lab-code__run")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button lab-code__run";
      button.textContent = "Run in terminal";
      block.appendChild(button);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".lab-code__run");
    if (!button) return;
    var code = button.closest(".lab-code").querySelector("pre");
    if (code) typeInto(code.textContent);
  });

  // The editor's textarea: Tab inserts two spaces; Esc then Tab leaves it, so keyboard users are never trapped.
  document.addEventListener("keydown", function (event) {
    var text = event.target;
    if (!text || text.id !== "workspace-text") return;
    if (event.key === "Escape") {
      text.dataset.escaped = "true";
      return;
    }
    if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey && text.dataset.escaped !== "true") {
      event.preventDefault();
      text.setRangeText("  ", text.selectionStart, text.selectionEnd, "end");
      text.dataset.dirty = "true";
      return;
    }
    delete text.dataset.escaped;
  });

  // Opening another file (or a new one) over unsaved edits asks once, in the status line, not in a dialog: the second
  // click goes ahead and discards them.
  document.addEventListener("htmx:confirm", function (event) {
    var source = event.detail.elt;
    var text = document.getElementById("workspace-text");
    if (!text || text.dataset.dirty !== "true" || !source.closest || !source.closest(".workspace__files, .workspace__new")) return;
    if (source.dataset.discard === "armed") return;
    event.preventDefault();
    source.dataset.discard = "armed";
    var open = document.querySelector("#workspace input[name=path][type=hidden]");
    showMessage("Unsaved changes in " + (open ? open.value : "this file") + ": press Save to keep them, or repeat to discard them.");
  });

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "workspace-text") event.target.dataset.dirty = "true";
  });

  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      if (tabs[active]) tabs[active].fit.fit();
    }).observe(screens);
  }

  screens.textContent = "";
  var open = (panel.dataset.openTabs || "1").split(",").map(Number).filter(function (n) { return n >= 1 && n <= maxTabs; });
  if (open.length === 0) open = [1];
  open.forEach(createTab);
  activate(open[0], true);
  addRunButtons(document);
  // The step text is rendered by the interactive player (and re-rendered when it moves between steps): add the
  // buttons to whatever code blocks appear.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, function (node) {
        if (node.nodeType === 1) addRunButtons(node.matches && node.matches(".lab-code") ? node.parentNode : node);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();

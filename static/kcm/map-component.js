/* Karabakh ceasefire map: the map as one component of the page, with one declared channel to the server.
 *
 * The session on the server owns the view (geo/viewsync.py). What the page sends the component on every run
 * (`data`): the map's shell (folium's script, which makes the Leaflet map), the view as the share link's
 * parameters, the features selected, and three numbers: `rev` counts the changes the server made itself (a
 * claim chosen in the page, a layer switched in the sidebar), `ack` is the last of this map's reports the
 * server has applied, `push` says whether the server's last change earns a browser history entry.
 *
 * What the component sends back is one state value, `report`: {seq, query, changed, attempt, restore}, the
 * map's whole view as link parameters, the names of the parameters the reader changed on the map since the
 * server last acknowledged one, a sequence number, and whether it restores a history entry as it was. The server applies a report only if its `seq` is newer than
 * its `ack`, and only the `changed` parameters: a late or repeated report can never undo a newer change, and
 * a change the server made meanwhile survives. A report the server has not acknowledged is sent again, so a
 * lost one never leaves the map and the page disagreeing.
 *
 * The address bar mirrors the view and is written here only (writeAddress): a deliberate change (a key date,
 * a place found, a claim, a layer) pushes a history entry, a drag, a step or a pan replaces the current one.
 * Back and Forward (popstate) put the entry's view on the map and report it like any change.
 *
 * KCM.standalone() mounts the same map in the exported HTML file, where there is no server: a change is
 * applied in place.
 */
(function () {
  "use strict";

  var FIELDS = ["date", "layers", "lat", "lon", "zoom", "base", "claim", "place", "point", "lang"];
  var SEND_EVERY_MS = 200;  // at most one report per this: a drag across the time bar costs a few reruns
  // A report not acknowledged by then is sent again, and again after twice as long each time, up to
  // RESEND_MAX_MS. A report is lost only when the connection drops, which is rare; a busy server is common,
  // and each sending reruns the page's part that hears it from the start. Sent every 2 s, reports kept a
  // server with 30 readers on 2 cores from ever answering (docs/reliability.md).
  var RESEND_AFTER_MS = 10000;
  var RESEND_MAX_MS = 60000;
  var ADDRESS_EVERY_MS = 150;  // replaceState is rate-limited by browsers: a drag writes the address this often
  var MOUNTS = typeof WeakMap === "function" ? new WeakMap() : null;

  var esc = function (text) { return window.KCM.esc(text); };

  // The view as link parameters (strings, as geo/view.py to_query writes them) from what the map holds.
  var layerList = function (text) { return !text || text === "none" ? [] : String(text).split(","); };

  // Streamlit's own parameters, which say how the page is framed (geo/view.py FRAME_PARAMETERS).
  var FRAME_FIELDS = ["embed", "embed_options"];

  // The address's query: the view's parameters in the share link's order (commas left as they are, as
  // geo/view.py writes them), then Streamlit's framing ones if the address had them. Nothing else of a link
  // stays: the address says the view shown, and the page said what it left out.
  var queryString = function (view, search) {
    var parts = [];
    var encode = function (value) { return encodeURIComponent(value).replace(/%2C/g, ","); };
    FIELDS.forEach(function (key) {
      var value = view[key];
      if (value !== null && value !== undefined && value !== "") parts.push(key + "=" + encode(String(value)));
    });
    new URLSearchParams(search).forEach(function (value, key) {
      if (FRAME_FIELDS.indexOf(key) >= 0) parts.push(key + "=" + encode(value));
    });
    return parts.join("&");
  };

  function Mount(host, data) {
    this.host = host;
    this.seq = Number(data.ack) || 0;  // a map mounted again in a session continues its numbering
    this.rev = -1;
    this.ack = this.seq;
    this.changed = {};
    this.view = null;
    this.selected = [];
    this.attempt = 0;
    this.timers = {};
    this.component = null;
    var self = this;
    this.onPopState = function () { self.followHistory(); };
    window.addEventListener("popstate", this.onPopState);
    this.build(data);
  }

  // Make the Leaflet map with folium's shell script, then the controller that draws the data on it.
  Mount.prototype.build = function (data) {
    var shell = data.shell;
    this.shellId = shell.id;
    var element = document.createElement("div");
    element.id = shell.id;
    element.className = "kcm-map folium-map";
    element.style.height = (data.height || 620) + "px";
    element.setAttribute("data-testid", "kcm-map");
    this.host.appendChild(element);
    var script = document.createElement("script");
    script.textContent = shell.script;  // folium's output: Leaflet calls with the base map's options only
    document.head.appendChild(script);
    script.remove();
    var map = window[shell.id];
    if (!map || !map.getContainer) throw new Error("the map's shell made no Leaflet map " + shell.id);
    var self = this;
    this.map = map;
    this.controller = window.KCM.make(map, {
      offline: data.offline, attribution: data.attribution,
      onChange: function (fields, deliberate) { self.changedOnMap(fields, deliberate); }
    });
    this.element = element;
  };

  Mount.prototype.destroy = function () {
    window.removeEventListener("popstate", this.onPopState);
    Object.keys(this.timers).forEach(function (name) { clearTimeout(this.timers[name]); }, this);
    if (this.controller) this.controller.destroy();
    if (this.element) this.element.remove();
  };

  // A run of the page: the server's view, and how far it has heard this map.
  Mount.prototype.receive = function (component) {
    var data = component.data;
    this.component = component;
    if (data.shell.id !== this.shellId) {
      // Another base map: a new shell. The view and the numbering carry over.
      this.controller.destroy();
      this.element.remove();
      this.build(data);
      this.shown = false;
    }
    var caughtUp = Number(data.ack) >= this.seq;
    var serverChanged = Number(data.rev) > this.rev;
    if (!caughtUp && !serverChanged) { this.scheduleResend(); return; }  // an echo of an older state
    var next = {};
    FIELDS.forEach(function (key) { next[key] = data.view[key] === undefined ? null : data.view[key]; });
    var pending = caughtUp ? {} : this.changed;
    // What the reader changed here since the server last heard stays as the reader left it.
    Object.keys(pending).forEach(function (key) { next[key] = this.view[key]; }, this);
    var move = !this.shown || (serverChanged && !pending.lat && !pending.zoom);
    this.view = next;
    this.selected = caughtUp || serverChanged ? (data.selected || []) : this.selected;
    if (caughtUp) { this.changed = {}; this.ack = Number(data.ack); this.attempt = 0; }
    this.rev = Math.max(this.rev, Number(data.rev));
    // A claim or a point of the statement chosen beside or below the map brings the map into view.
    var newSelection = serverChanged && this.shownOnce && ((next.claim && next.claim !== this.shownClaim) ||
                                                          (next.point && next.point !== this.shownPoint));
    this.show(move);
    this.shownClaim = next.claim;
    this.shownPoint = next.point;
    if (newSelection) this.bringIntoView();
    if (!caughtUp) this.send();  // the server changed the view meanwhile: tell it again what the reader did
    if (serverChanged) this.writeAddress(Boolean(data.push) && this.shownOnce, true);
    else if (!this.shownOnce) this.writeAddress(false, true);
    this.shownOnce = true;
  };

  // A claim chosen beside or below the map (on a phone, the claims come after it): the map scrolls into view
  // unless most of it is there already.
  Mount.prototype.bringIntoView = function () {
    var box = this.element.getBoundingClientRect(), height = window.innerHeight;
    var visible = Math.min(box.bottom, height) - Math.max(box.top, 0);
    if (visible < Math.min(box.height, height) * 0.6) this.element.scrollIntoView({ block: "start" });
  };

  Mount.prototype.show = function (move) {
    var view = this.view;
    if (move) this.controller.moveTo(Number(view.lat), Number(view.lon), Number(view.zoom));
    this.controller.setLanguage(view.lang || "en");
    this.controller.apply({ date: view.date, layers: layerList(view.layers), selected: this.selected });
    if (!this.shown) {
      this.shown = true;
      this.controller.refine();
      // Once this frame is painted, the page draws the rest of itself (app_pages/map.py).
      var self = this;
      requestAnimationFrame(function () { setTimeout(function () { self.component.setStateValue("painted", true); }, 0); });
    }
    this.element.setAttribute("data-kcm-seq", String(this.seq));
    this.element.setAttribute("data-kcm-ack", String(this.ack));
  };

  // The reader changed something on the map: it is drawn already; keep it, write the address, tell the server.
  Mount.prototype.changedOnMap = function (fields, deliberate) {
    var asLink = {};
    Object.keys(fields).forEach(function (key) {
      var value = fields[key];
      if (key === "layers") value = value.length ? value.join(",") : "none";
      else if (key === "lat" || key === "lon") value = Number(value).toFixed(4);
      else if (key === "zoom") value = String(value);
      asLink[key] = value;
    });
    this.record(asLink, false);
    if (fields.place !== undefined || fields.claim !== undefined || fields.point !== undefined) this.selected = this.controller.state.selected;
    this.writeAddress(deliberate, deliberate);
    this.send(deliberate);
  };

  // A change of the view to report, as link parameters: kept, named as changed, numbered. `restoring` says it
  // is a history entry's view as it was, which the server fits nothing to.
  Mount.prototype.record = function (fields, restoring) {
    Object.keys(fields).forEach(function (key) { this.view[key] = fields[key]; this.changed[key] = true; }, this);
    this.restoring = restoring;
    this.seq += 1;
    this.element.setAttribute("data-kcm-seq", String(this.seq));
  };

  Mount.prototype.report = function () {
    var query = {};
    FIELDS.forEach(function (key) { if (this.view[key] !== null && this.view[key] !== undefined) query[key] = String(this.view[key]); }, this);
    return { seq: this.seq, query: query, changed: Object.keys(this.changed).sort(), attempt: this.attempt,
             restore: Boolean(this.restoring) };
  };

  // One report at most every SEND_EVERY_MS, always of the newest state; a deliberate change goes at once.
  Mount.prototype.send = function (now) {
    var self = this;
    if (this.timers.send && !now) return;
    clearTimeout(this.timers.send);
    var go = function () {
      self.timers.send = null;
      if (!self.component || self.ack >= self.seq) return;
      self.component.setStateValue("report", self.report());
      self.scheduleResend();
    };
    if (now) go(); else this.timers.send = setTimeout(go, SEND_EVERY_MS);
  };

  Mount.prototype.scheduleResend = function () {
    var self = this;
    clearTimeout(this.timers.resend);
    this.timers.resend = setTimeout(function () {
      if (self.ack >= self.seq) return;
      self.attempt += 1;  // a new value, so that the same report is sent again
      self.send(true);
    }, Math.min(RESEND_AFTER_MS * Math.pow(2, this.attempt), RESEND_MAX_MS));
  };

  // The address says the view. Written here only; `push` makes a history entry, otherwise the entry is replaced.
  Mount.prototype.writeAddress = function (push, now) {
    var self = this;
    var write = function () {
      self.timers.address = null;
      var url = window.location.pathname + "?" + queryString(self.view, window.location.search);
      if (url === window.location.pathname + window.location.search) return;
      if (push) window.history.pushState({ kcm: self.seq }, "", url);
      else window.history.replaceState(window.history.state, "", url);
    };
    clearTimeout(this.timers.address);
    if (push || now) write(); else this.timers.address = setTimeout(write, ADDRESS_EVERY_MS);
  };

  // Back or Forward: the entry's address is the view to show; the server hears of it as of any change.
  Mount.prototype.followHistory = function () {
    var params = new URLSearchParams(window.location.search), fields = {};
    FIELDS.forEach(function (key) {
      var value = params.get(key);
      if (value !== (this.view[key] === null ? null : String(this.view[key]))) fields[key] = value;
    }, this);
    if (!Object.keys(fields).length) return;
    clearTimeout(this.timers.address);
    this.record(fields, true);
    if (fields.lat !== undefined || fields.lon !== undefined || fields.zoom !== undefined) {
      this.controller.moveTo(Number(this.view.lat), Number(this.view.lon), Number(this.view.zoom));
    }
    if (fields.lang !== undefined) this.controller.setLanguage(this.view.lang || "en");
    this.controller.apply({ date: this.view.date, layers: layerList(this.view.layers), selected: this.selected });
    this.send(true);
  };

  // -------------------------------------------------------------------------------- the standalone export
  // No server: a change is applied in place. The words around the map are the file's own HTML, written and
  // escaped by geo/mapview.py; this code only shows, hides and marks them, and writes text with textContent
  // (no data ever goes through innerHTML here). The claim chosen in a popup or the list is shown in a box on
  // the map and marked in the list, and the address's fragment (#claim=...) says which, so that the file
  // reopens at it; a claim link opened in a new tab (?claim=...) opens at it too.
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"];
  var WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var node = function (tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  };
  var words = function (key) { return String(key === null || key === undefined ? "" : key).replace(/_/g, " "); };
  var token = function (key) { return String(key === null || key === undefined ? "" : key).replace(/[^\w-]/g, ""); };

  function Standalone(element, options) {
    var self = this;
    this.claims = {};
    (options.claims || []).forEach(function (claim) { self.claims[claim.id] = claim; });
    this.view = options.view;
    this.selected = options.selected || [];
    this.map = window[options.mapId];
    this.page = document.querySelector(".kcm-standalone");
    this.controller = window.KCM.make(this.map, {
      offline: true, attribution: options.attribution, canvasAbove: options.canvasAbove,
      onChange: function (fields) { self.changedOnMap(fields); }
    });
    this.wirePage();
    this.controller.setLanguage(this.view.lang || "en");  // the file carries every language's names
    this.controller.apply({ date: this.view.date, layers: this.view.layers, selected: this.selected });
    this.followView();
    var wanted = /(?:^#|&)claim=([^&]+)/.exec(window.location.hash);
    var asked = wanted ? decodeURIComponent(wanted[1]) : new URLSearchParams(window.location.search).get("claim");
    if (asked && this.claims[asked]) this.selectClaim(asked);
    else if (this.view.claim && this.claims[this.view.claim]) this.showClaim(this.view.claim);
  }

  Standalone.prototype.find = function (selector) { return this.page ? this.page.querySelectorAll(selector) : []; };

  // The layer toggles and the claims' buttons of the file's HTML.
  Standalone.prototype.wirePage = function () {
    var self = this;
    Array.prototype.forEach.call(this.find("input.kcm-standalone-layer"), function (box) {
      box.addEventListener("change", function () {
        var layers = [];
        Array.prototype.forEach.call(self.find("input.kcm-standalone-layer"), function (b) { if (b.checked) layers.push(b.value); });
        self.view.layers = layers;
        self.controller.apply({ date: self.view.date, layers: layers, selected: self.selected });
        self.followView();
      });
    });
    Array.prototype.forEach.call(this.find("button[data-kcm-show-claim]"), function (button) {
      button.addEventListener("click", function () {
        self.selectClaim(button.getAttribute("data-kcm-show-claim"));
        self.bringMapIntoView();
      });
    });
  };

  // The title says the map's day; the toggles, the layers shown; the list, the claims that bear on the day as
  // geo.claims.claims_on has it: dated that day, or about a feature the map shows.
  Standalone.prototype.followView = function () {
    var view = this.view, controller = this.controller, claims = this.claims;
    var day = new Date(view.date + "T00:00:00Z");
    Array.prototype.forEach.call(this.find(".kcm-standalone-day"), function (el) {
      el.textContent = day.getUTCDate() + " " + MONTHS[day.getUTCMonth()] + " " + day.getUTCFullYear();
      el.setAttribute("datetime", view.date);
    });
    Array.prototype.forEach.call(this.find(".kcm-standalone-weekday"), function (el) { el.textContent = WEEKDAYS[day.getUTCDay()]; });
    var key = (window.KCM_DATA.timeline && window.KCM_DATA.timeline.key_dates || {})[view.date];
    Array.prototype.forEach.call(this.find(".kcm-standalone-keyday"), function (el) {
      el.textContent = key ? " · " + key : "";
      el.hidden = !key;
    });
    Array.prototype.forEach.call(this.find("input.kcm-standalone-layer"), function (box) {
      box.checked = view.layers.indexOf(box.value) >= 0;
    });
    var shown = 0;
    Array.prototype.forEach.call(this.find(".kcm-standalone-claim"), function (item) {
      var claim = claims[item.getAttribute("data-claim")];
      var bears = Boolean(claim) && ((claim.dates || []).indexOf(view.date) >= 0 || (claim.features || []).some(function (id) {
        return controller.byId[id] && controller.byId[id].shown;
      }));
      item.hidden = !bears;
      if (bears) shown += 1;
    });
    Array.prototype.forEach.call(this.find(".kcm-standalone-count-shown"), function (el) { el.textContent = String(shown); });
    if (this.page) this.page.setAttribute("data-kcm-claims-shown", String(shown));
  };

  Standalone.prototype.changedOnMap = function (fields) {
    if (fields.claim) { this.selectClaim(fields.claim); return; }
    if (fields.date) this.view.date = fields.date;
    if (fields.layers) this.view.layers = fields.layers;
    if (fields.place !== undefined) { this.view.claim = null; this.selected = this.controller.state.selected; this.showClaim(null); }
    if (fields.date || fields.layers || fields.place !== undefined) this.followView();
  };

  // The claim's day, its layers and features, the map fitted to them, and the claim itself in a box.
  Standalone.prototype.selectClaim = function (id) {
    var claim = this.claims[id], controller = this.controller;
    if (!claim) return;
    var layers = this.view.layers.slice();
    (claim.layers || []).forEach(function (layer) { if (layers.indexOf(layer) < 0) layers.push(layer); });
    this.view = { date: claim.map_date, layers: layers, claim: id, lang: this.view.lang };
    this.selected = claim.features || [];
    this.map.closePopup();  // the box says the claim now; the popup would cover what it is about
    controller.apply({ date: claim.map_date, layers: layers, selected: this.selected });
    var bounds = null;
    this.selected.forEach(function (featureId) {
      var entry = controller.byId[featureId];
      if (!entry || !entry.shown) return;
      var b = entry.layer.getBounds ? entry.layer.getBounds() : L.latLngBounds([entry.layer.getLatLng()]);
      bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    });
    this.followView();
    this.showClaim(id);
    if (bounds && bounds.isValid()) this.map.fitBounds(bounds, L.extend({ maxZoom: 12, animate: false }, this.freeArea()));
    try { window.history.replaceState(null, "", window.location.pathname + "#claim=" + encodeURIComponent(id)); } catch (e) { /* file:// in some browsers */ }
  };

  // The padding that fits a claim's features into the part of the map its controls leave free: below the
  // controls at the top, and beside or above those at the bottom, whichever leaves more room. Where nothing
  // leaves a useful room (a phone with the claim's box open), the top controls only: the box can be closed.
  var ROOM = 100;  // px: the least width and height worth fitting into
  Standalone.prototype.freeArea = function () {
    var container = this.map.getContainer(), frame = container.getBoundingClientRect();
    var size = { x: frame.width, y: frame.height };
    var reach = function (selector, measure) {
      var most = 0;
      Array.prototype.forEach.call(container.querySelectorAll(selector + " > .leaflet-control"), function (control) {
        if (control.hidden || !control.offsetWidth) return;
        most = Math.max(most, measure(control.getBoundingClientRect()));
      });
      return most;
    };
    var top = reach(".leaflet-top", function (b) { return b.bottom - frame.top; }) + 8;
    var leftW = reach(".leaflet-bottom.leaflet-left", function (b) { return b.right - frame.left; }) + 8;
    var leftH = reach(".leaflet-bottom.leaflet-left", function (b) { return frame.bottom - b.top; }) + 8;
    var rightW = reach(".leaflet-bottom.leaflet-right", function (b) { return frame.right - b.left; }) + 8;
    var rightH = reach(".leaflet-bottom.leaflet-right", function (b) { return frame.bottom - b.top; }) + 8;
    var options = [[10, 10, Math.max(leftH, rightH)], [leftW, 10, rightH], [10, rightW, leftH]];
    var best = null, area = 0;
    options.forEach(function (o) {
      var w = size.x - o[0] - o[1], h = size.y - top - o[2];
      if (w >= ROOM && h >= ROOM && w * h > area) { best = o; area = w * h; }
    });
    best = best || [10, 10, 10];
    return { paddingTopLeft: L.point(best[0], top), paddingBottomRight: L.point(best[1], best[2]) };
  };

  // A claim chosen in the list, below the map on a phone: the map comes into view unless most of it is there.
  Standalone.prototype.bringMapIntoView = function () {
    var box = this.map.getContainer().getBoundingClientRect(), height = window.innerHeight;
    var visible = Math.min(box.bottom, height) - Math.max(box.top, 0);
    if (visible < Math.min(box.height, height) * 0.6) this.map.getContainer().scrollIntoView({ block: "start" });
  };

  Standalone.prototype.showClaim = function (id) {
    var self = this;
    if (!this.claimBox) {
      var control = L.control({ position: "bottomleft" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "kcm-claim-box");
        div.setAttribute("role", "region");
        div.setAttribute("aria-label", "The claim chosen");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      control.addTo(this.map);
      this.claimBox = control.getContainer();
      this.claimBox.addEventListener("click", function (event) {
        if (event.target.closest(".kcm-claim-close")) self.clearClaim();
        else if (event.target.closest(".kcm-claim-more")) self.showInList(self.view.claim, true);
      });
    }
    var claim = id && this.claims[id];
    this.claimBox.hidden = !claim;
    this.map.getContainer().setAttribute("data-kcm-claim", claim ? id : "");
    Array.prototype.forEach.call(this.find(".kcm-standalone-claim"), function (item) {
      var on = Boolean(claim) && item.getAttribute("data-claim") === id;
      item.classList.toggle("kcm-standalone-claim-on", on);
      if (on) item.setAttribute("aria-current", "true"); else item.removeAttribute("aria-current");
    });
    this.claimBox.textContent = "";
    if (!claim) return;
    var hindsight = claim.hindsight || {};
    var head = node("div", "kcm-claim-head");
    head.appendChild(node("b", null, claim.id));
    head.appendChild(node("span", "kcm-verdict kcm-verdict-" + token(claim.verdict), "24 Nov 2020: " + words(claim.verdict)));
    if (hindsight.verdict) {
      head.appendChild(node("span", "kcm-verdict kcm-standalone-hindsight-" + token(hindsight.verdict),
                            "in hindsight: " + words(hindsight.verdict)));
    }
    var close = node("button", "kcm-claim-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Clear the selected claim");
    head.appendChild(close);
    this.claimBox.appendChild(head);
    this.claimBox.appendChild(node("div", "kcm-claim-quote", "“" + (claim.quote || "") + "”"));
    if (claim.reason) this.claimBox.appendChild(node("div", "kcm-claim-reason", claim.reason));
    var item = this.listItem(id);
    if (item) {
      var more = node("button", "kcm-claim-more", "Reasons, sources, later events: in the list");
      more.type = "button";
      this.claimBox.appendChild(more);
      this.showInList(id, false);
    }
  };

  Standalone.prototype.listItem = function (id) {
    var found = null;
    Array.prototype.forEach.call(this.find(".kcm-standalone-claim"), function (item) {
      if (item.getAttribute("data-claim") === id) found = item;
    });
    return found;
  };

  // The claim's entry in the list, scrolled to inside the list when the list is beside the map; asked for,
  // scrolled to wherever it is.
  Standalone.prototype.showInList = function (id, asked) {
    var item = id && this.listItem(id), side = this.page && this.page.querySelector(".kcm-standalone-side");
    if (!item || item.hidden) return;
    var beside = side && side.getBoundingClientRect().top < this.map.getContainer().getBoundingClientRect().bottom;
    if (asked) { item.setAttribute("tabindex", "-1"); item.scrollIntoView({ block: "start" }); item.focus({ preventScroll: true }); }
    else if (beside) side.scrollTop += item.getBoundingClientRect().top - side.getBoundingClientRect().top - 8;
  };

  Standalone.prototype.clearClaim = function () {
    this.view.claim = null;
    this.selected = [];
    this.controller.apply({ date: this.view.date, layers: this.view.layers, selected: [] });
    this.showClaim(null);
    try { window.history.replaceState(null, "", window.location.pathname); } catch (e) { /* ignore */ }
  };

  // A keyboard reader's first Tab lands on a link to the time bar, ahead of the page's navigation and the
  // sidebar's widgets (dozens of stops). It is put first in the document once, whichever map is mounted;
  // hidden until focused.
  var addSkipLink = function () {
    if (document.querySelector(".kcm-skip")) return;
    var link = document.createElement("a");
    link.className = "kcm-skip";
    link.href = "#";
    link.textContent = "Skip to the map's time bar";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var mounted = window.KCM.mounted, controller = mounted && mounted.controller;
      if (!controller || !controller.timeRange) return;
      controller.map.getContainer().scrollIntoView({ block: "nearest" });
      controller.timeRange.focus();
    });
    document.body.insertBefore(link, document.body.firstChild);
  };

  window.KCM.mount = function (component) {
    addSkipLink();
    var host = component.parentElement;
    var mount = MOUNTS ? MOUNTS.get(host) : host.__kcmMount;
    if (!mount) {
      mount = new Mount(host, component.data);
      if (MOUNTS) MOUNTS.set(host, mount); else host.__kcmMount = mount;
      window.KCM.mounted = mount;
    }
    mount.receive(component);
    // Streamlit calls the cleanup of a run whose data was overtaken by the next run's as well as when the
    // element goes: only the second ends the map (the element has left the page by then).
    return function () {
      setTimeout(function () {
        if (host.isConnected) return;
        mount.destroy();
        if (MOUNTS) MOUNTS.delete(host); else delete host.__kcmMount;
      }, 0);
    };
  };

  window.KCM.standalone = function (options) {
    var element = document.getElementById(options.mapId);
    addSkipLink();
    window.KCM.mounted = new Standalone(element, options);
    return window.KCM.mounted;
  };
})();

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

  var FIELDS = ["date", "layers", "lat", "lon", "zoom", "base", "claim", "place", "lang"];
  var SEND_EVERY_MS = 200;  // at most one report per this: a drag across the time bar costs a few reruns
  var RESEND_AFTER_MS = 2000;  // a report not acknowledged by then is sent again
  var ADDRESS_EVERY_MS = 150;  // replaceState is rate-limited by browsers: a drag writes the address this often
  var MOUNTS = typeof WeakMap === "function" ? new WeakMap() : null;

  var esc = function (text) { return window.KCM.esc(text); };

  // The view as link parameters (strings, as geo/view.py to_query writes them) from what the map holds.
  var layerList = function (text) { return !text || text === "none" ? [] : String(text).split(","); };

  // The address's query: the view's parameters in the share link's order (commas left as they are, as
  // geo/view.py writes them), then any other parameter the address had.
  var queryString = function (view, search) {
    var parts = [];
    var encode = function (value) { return encodeURIComponent(value).replace(/%2C/g, ","); };
    FIELDS.forEach(function (key) {
      var value = view[key];
      if (value !== null && value !== undefined && value !== "") parts.push(key + "=" + encode(String(value)));
    });
    new URLSearchParams(search).forEach(function (value, key) {
      if (FIELDS.indexOf(key) < 0) parts.push(encodeURIComponent(key) + "=" + encode(value));
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
    var newClaim = serverChanged && this.shownOnce && next.claim && next.claim !== this.shownClaim;
    this.show(move);
    this.shownClaim = next.claim;
    if (newClaim) this.bringIntoView();
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
    if (fields.place !== undefined || fields.claim !== undefined) this.selected = this.controller.state.selected;
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
    }, RESEND_AFTER_MS);
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
  // No server: a change is applied in place, the claim chosen in a popup is shown in a box on the map, and
  // the address's fragment (#claim=...) says which, so that the file reopens at it.
  function Standalone(element, options) {
    var self = this;
    this.claims = {};
    (options.claims || []).forEach(function (claim) { self.claims[claim.id] = claim; });
    this.view = options.view;
    this.selected = options.selected || [];
    this.map = window[options.mapId];
    this.controller = window.KCM.make(this.map, {
      offline: true, attribution: options.attribution, canvasAbove: options.canvasAbove,
      onChange: function (fields) { self.changedOnMap(fields); }
    });
    this.controller.apply({ date: this.view.date, layers: this.view.layers, selected: this.selected });
    var wanted = /(?:^#|&)claim=([^&]+)/.exec(window.location.hash);
    if (wanted && this.claims[decodeURIComponent(wanted[1])]) this.selectClaim(decodeURIComponent(wanted[1]));
    else if (this.view.claim && this.claims[this.view.claim]) this.showClaim(this.view.claim);
  }

  Standalone.prototype.changedOnMap = function (fields) {
    if (fields.claim) { this.selectClaim(fields.claim); return; }
    if (fields.date) this.view.date = fields.date;
    if (fields.layers) this.view.layers = fields.layers;
    if (fields.place !== undefined) { this.view.claim = null; this.selected = this.controller.state.selected; this.showClaim(null); }
  };

  // The claim's day, its layers and features, the map fitted to them, and the claim itself in a box.
  Standalone.prototype.selectClaim = function (id) {
    var claim = this.claims[id], controller = this.controller;
    if (!claim) return;
    var layers = this.view.layers.slice();
    (claim.layers || []).forEach(function (layer) { if (layers.indexOf(layer) < 0) layers.push(layer); });
    this.view = { date: claim.map_date, layers: layers, claim: id };
    this.selected = claim.features || [];
    controller.apply({ date: claim.map_date, layers: layers, selected: this.selected });
    var bounds = null;
    this.selected.forEach(function (featureId) {
      var entry = controller.byId[featureId];
      if (!entry || !entry.shown) return;
      var b = entry.layer.getBounds ? entry.layer.getBounds() : L.latLngBounds([entry.layer.getLatLng()]);
      bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    });
    if (bounds && bounds.isValid()) this.map.fitBounds(bounds, { padding: [30, 30], maxZoom: 12, animate: false });
    this.showClaim(id);
    try { window.history.replaceState(null, "", "#claim=" + encodeURIComponent(id)); } catch (e) { /* file:// in some browsers */ }
  };

  Standalone.prototype.showClaim = function (id) {
    var self = this;
    if (!this.claimBox) {
      var control = L.control({ position: "bottomleft" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "kcm-claim-box");
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      control.addTo(this.map);
      this.claimBox = control.getContainer();
      this.claimBox.addEventListener("click", function (event) {
        if (event.target.closest(".kcm-claim-close")) self.clearClaim();
      });
    }
    var claim = id && this.claims[id];
    this.claimBox.hidden = !claim;
    this.map.getContainer().setAttribute("data-kcm-claim", claim ? id : "");
    if (!claim) return;
    this.claimBox.innerHTML = "<div class='kcm-claim-head'><b>" + esc(claim.id) + "</b> <span class='kcm-verdict kcm-verdict-" +
      esc(claim.verdict) + "'>" + esc(claim.verdict) + "</span><button type='button' class='kcm-claim-close' " +
      "aria-label='Clear the selected claim'>×</button></div><div class='kcm-claim-quote'>“" + esc(claim.quote) +
      "”</div>" + (claim.reason ? "<div class='kcm-claim-reason'>" + esc(claim.reason) + "</div>" : "");
  };

  Standalone.prototype.clearClaim = function () {
    this.view.claim = null;
    this.selected = [];
    this.controller.apply({ date: this.view.date, layers: this.view.layers, selected: [] });
    this.showClaim(null);
    try { window.history.replaceState(null, "", window.location.pathname + window.location.search); } catch (e) { /* ignore */ }
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

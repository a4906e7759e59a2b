/* Karabakh ceasefire map: the map's drawing on the client.
 *
 * Every feature (with its dated timeline) reaches the browser once, in the data bundle (window.KCM_DATA).
 * A timeline step or a layer toggle then only calls Controller.apply({date, layers, selected}), which adds,
 * removes and restyles the features that change: the map is never rebuilt and never blank.
 * The controller owns no part of the view: what the reader changes on the map (a day, a place found, a claim
 * chosen in a popup, a pan) goes to options.onChange, and static/kcm/map-component.js decides what is shown.
 * Every string put into HTML goes through esc().
 */
(function () {
  "use strict";

  var esc = function (value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  };

  // The change in force on `day` (ISO strings compare as dates), or null before the first one.
  var statusOn = function (timeline, day) {
    var current = null;
    for (var i = 0; i < timeline.length; i++) {
      if (timeline[i].date === null || timeline[i].date <= day) current = timeline[i];
    }
    // A change that ends the feature (geo.state.status_on): from that day it is not on the map.
    return current && current.ends ? null : current;
  };

  var PENDING = /^(scheduled|contested|to be agreed|agreed in principle|peacekeepers deploying|planned|under construction|closing)/;
  // A road or corridor blocked or closed that day is drawn in dark red, dotted: its status is the news.
  var BLOCKED = /^(blocked|closed)/;
  var CANVAS_ABOVE = 1500;  // features; see Controller
  // How deep a geometry's coordinates nest below a ring or line, as L.GeoJSON.coordsToLatLngs counts.
  var NESTING = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };

  function Controller(map, data, options) {
    this.map = map;
    this.data = data;
    this.options = options || {};
    this.byId = {};
    this.state = { date: null, layers: [], selected: [] };
    this.layerInfo = {};
    // The statuses come as a list, in the legend's order; looked up by id here.
    this.statuses = {};
    this.statusOrder = (data.statuses || []).map(function (status) { return status.id; });
    (data.statuses || []).forEach(function (status) { this.statuses[status.id] = status; }, this);
    // Levels of detail (geo/mapdata.py served_bundle): finer geometry and popup details are fetched per
    // grid cell. A bundle without `lod` (the standalone export) has everything inline.
    this.lod = data.lod || null;
    this.fetched = {};  // url -> promise of its JSON
    this.details = {};  // feature id -> the properties its popup needs beyond the core
    this.detailQuotes = {};
    this.detailsFailed = {};  // details url -> true once, to say so in the popup
    // The language of the place names (geo/view.py LANGUAGES). English names come with every feature; the
    // others with the standalone export's data (place_names) or, on the dashboard, in a file per language
    // fetched when a reader first chooses it (place_names_urls).
    this.lang = "en";
    this.placeNames = L.extend({}, data.place_names || {});
    var self = this;
    var count = 0;
    Object.keys(data.features).forEach(function (id) { count += data.features[id].features.length; });
    // SVG draws a few hundred shapes well; past that each shape's own element costs more than drawing them
    // all on one canvas. Both give the same styles, tooltips and popups.
    var canvasAbove = typeof this.options.canvasAbove === "number" ? this.options.canvasAbove : CANVAS_ABOVE;
    this.renderer = count > canvasAbove ? "canvas" : "svg";
    data.layers.forEach(function (info, order) {
      self.layerInfo[info.id] = info;
      var pane = map.createPane("kcm-" + info.id);
      pane.style.zIndex = String(410 + order);
    });
    // One canvas for every layer: a canvas takes the pointer over its whole area, so one per layer's pane
    // would keep clicks and hovers from the layers below. The layers' order is kept by drawing order instead.
    if (this.renderer === "canvas") {
      map.createPane("kcm-canvas").style.zIndex = "410";
      this.canvas = L.canvas({ pane: "kcm-canvas", padding: 0.1 });
    }
    map.getContainer().setAttribute("data-kcm-renderer", this.renderer);
    map.createPane("kcm-base").style.zIndex = "250";
    map.createPane("kcm-labels").style.zIndex = "640";
    map.getPane("kcm-labels").style.pointerEvents = "none";
    if (this.options.attribution && map.attributionControl) map.attributionControl.addAttribution(esc(this.options.attribution));
    this.drawBase();
    data.layers.forEach(function (info) { self.prepareLayer(info); });
    if (this.canvas) {
      // Every shape goes on the canvas once, hidden, in the layers' order, which is then its drawing order for
      // good: a step only restyles shapes, and repaints only where they are.
      data.layers.forEach(function (info) {
        for (var id in self.byId) {
          var entry = self.byId[id];
          if (entry.info.id === info.id) { self.showOnCanvas(entry, false); entry.layer.addTo(map); }
        }
      });
    }
    // On a narrow map (a phone) the time bar spans the map below the zoom buttons, the search box below it.
    this.narrow = map.getSize().x < 600;
    map.getContainer().classList.toggle("kcm-narrow", this.narrow);
    if (data.timeline) this.scale = timeScale(data.timeline);
    if (data.timeline) this.timeControl(data.timeline);
    if (data.names || data.names_url) this.searchControl();
    this.legend();
    if (data.areas) this.areaChart(data.areas);
    this.watchWebTiles();
    map.on("popupopen", function (event) { self.fitPopup(event.popup); });
    map.on("popupclose", function () { self.unfoldCorners(); });
    map.on("zoomend resize", function () { self.declutterLabels(); });
    // A pan or zoom by the reader is told once the map has come to rest; a move made by moveTo is not.
    this.shownView = null;
    map.on("moveend", function () { self.movedByReader(); });
    map.getContainer().addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.kcm-claim-link");
      if (!link) return;
      event.preventDefault();  // the link's address is for a reader who opens it in a new tab
      self.change({ claim: link.getAttribute("data-claim"), place: null, point: null }, true);
    });
    if (this.lod) {
      map.on("moveend", function () { self.refine(); });
      map.getContainer().setAttribute("data-kcm-lod", "0");
    }
  }

  // The level of detail the zoom needs: the finest level whose first zoom is at or below it.
  Controller.prototype.levelFor = function (zoom) {
    var wanted = 0;
    this.lod.levels.forEach(function (l) { if (zoom >= l.min_zoom && l.level > wanted) wanted = l.level; });
    return wanted;
  };

  Controller.prototype.cellsInView = function () {
    var view = this.map.getBounds().pad(0.25), cells = this.lod.cells, out = [];
    Object.keys(cells).forEach(function (key) {
      var b = cells[key].bbox;
      if (view.intersects(L.latLngBounds([b[1], b[0]], [b[3], b[2]]))) out.push(key);
    });
    return out;
  };

  Controller.prototype.fetchJson = function (url) {
    var self = this;
    if (!this.fetched[url]) {
      this.fetched[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.json();
      }).catch(function (error) {
        delete self.fetched[url];  // tried again on the next move
        console.warn("Karabakh map: could not load " + url, error);
        throw error;
      });
    }
    return this.fetched[url];
  };

  // After a move or zoom: fetch the finer geometry of the cells in view when the zoom needs it, and draw it.
  // Until it arrives the coarser shapes stay drawn, so the map is never blank. A shape never goes back to a
  // coarser level: zooming out again costs nothing, and Leaflet thins a path to the pixels it fills anyway.
  Controller.prototype.refine = function () {
    var self = this, level = this.levelFor(this.map.getZoom()), container = this.map.getContainer();
    var ticket = this.refines = (this.refines || 0) + 1;
    if (level === 0) { container.setAttribute("data-kcm-lod", "0"); return Promise.resolve(0); }
    var loads = this.cellsInView().map(function (key) {
      var url = self.lod.cells[key].geometry[String(level)];
      if (!url) return null;  // a cell of places only: they are exact at every level
      return self.fetchJson(url).then(function (geometries) { self.refineShapes(geometries, level); });
    }).filter(Boolean);
    container.setAttribute("data-kcm-lod-loading", String(level));
    return Promise.all(loads).then(function () {
      if (ticket !== self.refines) return;  // a later move is in charge now
      container.removeAttribute("data-kcm-lod-loading");
      container.setAttribute("data-kcm-lod", String(level));
      return level;
    }, function () {
      if (ticket === self.refines) container.removeAttribute("data-kcm-lod-loading");
    });
  };

  Controller.prototype.refineShapes = function (geometries, level) {
    for (var id in geometries) {
      var entry = this.byId[id];
      if (!entry || entry.level >= level) continue;
      var geometry = geometries[id], shape = entry.layer.getLayers()[0];
      entry.feature = { type: "Feature", properties: entry.feature.properties, geometry: geometry };
      if (shape && shape.setLatLngs && NESTING[geometry.type] !== undefined && entry.geometryType === geometry.type) {
        // The same path, new points: cheaper than a new layer, and its tooltip and popup stay bound.
        shape.setLatLngs(L.GeoJSON.coordsToLatLngs(geometry.coordinates, NESTING[geometry.type]));
      } else {
        entry.layer.clearLayers();
        entry.layer.addData(entry.feature);
        entry.geometryType = geometry.type;
        if (this.canvas && !entry.shown) this.showOnCanvas(entry, false);
      }
      entry.level = level;
      entry.styleKey = null;
      if (entry.shown) {
        var change = statusOn(entry.feature.properties.timeline, this.state.date);
        entry.layer.setStyle(this.styleFor(entry.feature, change));
        entry.styleKey = (change.date || "") + "|" + (this.state.selected.indexOf(id) >= 0);
      }
    }
  };

  // Place names that would overlap on screen are not drawn: the larger town keeps its name. A label sits to
  // the right of its point (timeline-map.css .kcm-place-label); its box is measured once it has been drawn,
  // and estimated from its length before. Every place keeps its point and its tooltip.
  var LABEL_H = 16, BUCKET = 256;
  Controller.prototype.declutterLabels = function () {
    if (!this.placeLabels) return;
    var self = this, map = this.map, taken = {};
    var zoom = map.getZoom();
    var minZoom = function (id) { return self.byId[id].info.label_min_zoom || 0; };
    var ids = Object.keys(this.placeLabels).filter(function (id) {
      var shown = self.byId[id].shown && zoom >= minZoom(id);
      var label = self.placeLabels[id];
      if (!shown && label && map.hasLayer(label)) map.removeLayer(label);
      return shown;
    });
    ids.forEach(function (id) { if (!self.placeLabels[id]) self.placeLabels[id] = self.makeLabel(id); });
    // Key places first (larger towns first), then settlements: a village never takes a town's room.
    var rank = function (id) { return (minZoom(id) ? 0 : 1e9) + (self.byId[id].feature.properties.population || 0); };
    ids.sort(function (a, b) { return rank(b) - rank(a) || (a < b ? -1 : 1); });
    var place = function (left, y, width) {
      var gx = Math.floor(left / BUCKET), gy = Math.floor(y / LABEL_H);
      for (var i = gx - 1; i <= gx + 1; i++) {
        for (var j = gy - 1; j <= gy + 1; j++) {
          var boxes = taken[i + "," + j] || [];
          for (var k = 0; k < boxes.length; k++) {
            var o = boxes[k];
            if (left < o[0] + o[2] && o[0] < left + width && Math.abs(o[1] - y) < LABEL_H) return false;
          }
        }
      }
      (taken[gx + "," + gy] = taken[gx + "," + gy] || []).push([left, y, width]);
      return true;
    };
    // Read every size first, then change the page: a size read after a change would force a layout per label.
    var boxes = ids.map(function (id) {
      var label = self.placeLabels[id], element = label.getElement();
      if (!label.kcmWidth && element && element.offsetWidth) label.kcmWidth = element.offsetWidth;
      var width = label.kcmWidth || 8 + 7 * self.nameOf(self.byId[id].feature.properties).text.length;
      var point = map.latLngToContainerPoint(label.getLatLng());
      return { label: label, keep: place(point.x + 4, point.y, width + 8) };
    });
    var drawn = 0;
    boxes.forEach(function (box) {
      if (box.keep) { drawn += 1; if (!map.hasLayer(box.label)) box.label.addTo(map); }
      else if (map.hasLayer(box.label)) map.removeLayer(box.label);
    });
    map.getContainer().setAttribute("data-kcm-labels", String(drawn));
  };

  Controller.prototype.makeLabel = function (id) {
    var feature = this.byId[id].feature, c = feature.geometry.coordinates;
    return L.marker([c[1], c[0]], {
      pane: "kcm-labels", interactive: false, keyboard: false, icon: this.labelIcon(feature.properties)
    });
  };

  Controller.prototype.labelIcon = function (props) {
    var name = this.nameOf(props);
    return L.divIcon({ className: "kcm-label kcm-place-label" + (name.fallback ? " kcm-name-fallback" : ""),
                       html: esc(name.text), iconSize: null });
  };

  var LANGUAGE_NAMES = { en: "English", az: "Azerbaijani", hy: "Armenian", ru: "Russian" };
  // A feature's name in the chosen language; where the sources give it none, its English name, said to be one.
  Controller.prototype.nameOf = function (props) {
    var english = String(props.name_en || props.id || "");
    if (this.lang === "en") return { text: english, fallback: false };
    var names = this.placeNames[this.lang] || {};
    var own = names[props.id] || props["name_" + this.lang];
    return own ? { text: String(own), fallback: false } : { text: english, fallback: true };
  };

  // Show the place names in another language: the labels are made again (their widths too) and the tooltips
  // and popups use it from their next opening. The names' file is fetched once; until it has come, the names
  // shown stay as they were. The map's element says which language its labels are in (data-kcm-lang).
  Controller.prototype.setLanguage = function (lang) {
    lang = LANGUAGE_NAMES[lang] ? lang : "en";
    this.wantedLang = lang;
    var self = this, urls = this.data.place_names_urls || {};
    if (lang !== "en" && !this.placeNames[lang] && urls[lang]) {
      this.fetchJson(urls[lang]).then(function (names) {
        self.placeNames[lang] = names;
        if (self.wantedLang === lang) self.setLanguage(lang);
      }, function () {
        self.map.getContainer().setAttribute("data-kcm-lang-failed", lang);
      });
      return;
    }
    if (lang === this.lang) {
      this.map.getContainer().setAttribute("data-kcm-lang", lang);
      return;
    }
    this.lang = lang;
    var container = this.map.getContainer();
    container.removeAttribute("data-kcm-lang-failed");
    Object.keys(this.placeLabels || {}).forEach(function (id) {
      var label = self.placeLabels[id];
      if (!label) return;
      label.kcmWidth = null;
      label.setIcon(self.labelIcon(self.byId[id].feature.properties));
    });
    this.map.closePopup();
    this.declutterLabels();
    container.setAttribute("data-kcm-lang", lang);
  };

  var HIDDEN = { stroke: false, fill: false };
  var POINT_STYLE = { stroke: true, fill: true, color: "#111827", weight: 1.5, fillColor: "#ffffff", fillOpacity: 1 };
  Controller.prototype.showOnCanvas = function (entry, show) {
    var shapes = entry.layer.getLayers ? entry.layer.getLayers() : [entry.layer];
    shapes.forEach(function (shape) { shape.options.interactive = show; });  // read by the canvas on each event
    if (show) {
      entry.styleKey = null;  // restyled by apply()
      if (entry.feature.geometry.type === "Point" && entry.info.style !== "status") entry.layer.setStyle(POINT_STYLE);
    } else {
      entry.layer.closeTooltip(); entry.layer.closePopup();
      entry.layer.setStyle(HIDDEN);
      entry.styleKey = null;
    }
  };

  // A popup's details (names in every language, sources, notes, the article's quotes), fetched with its cell's.
  Controller.prototype.loadDetails = function (feature) {
    var self = this, cell = this.lod && this.lod.cells[feature.properties.cell];
    if (!cell || this.details[feature.properties.id]) return null;
    return this.fetchJson(cell.details).then(function (found) {
      Object.keys(found.features).forEach(function (id) { self.details[id] = found.features[id]; });
      Object.keys(found.quotes).forEach(function (id) { self.detailQuotes[id] = found.quotes[id]; });
    });
  };

  // What the reader changed on the map, for whoever mounted it (options.onChange): fields of the view (the
  // share link's parameters) and whether it is a deliberate change that earns a browser history entry.
  Controller.prototype.change = function (fields, deliberate) {
    if (this.options.onChange) this.options.onChange(fields, Boolean(deliberate));
  };

  // The view's centre and zoom as the share link writes them (geo/view.py COORD_DECIMALS).
  var viewOf = function (map) {
    var c = map.getCenter();
    return { lat: Number(c.lat.toFixed(4)), lon: Number(c.lng.toFixed(4)), zoom: map.getZoom() };
  };

  // Move the map to a view it was given: no report follows, since nobody needs to hear of it.
  Controller.prototype.moveTo = function (lat, lon, zoom) {
    this.shownView = { lat: lat, lon: lon, zoom: zoom };
    var c = this.map.getCenter();
    if (this.map.getZoom() === zoom && Math.abs(c.lat - lat) < 1e-4 && Math.abs(c.lng - lon) < 1e-4) return;
    this.map.setView([lat, lon], zoom, { animate: false });
  };

  // A move counts as the reader's when it ends more than two pixels away from the view last given or told.
  Controller.prototype.movedByReader = function () {
    var now = viewOf(this.map), last = this.shownView;
    if (last && last.zoom === now.zoom) {
      var degreesPerPixel = 360 / (256 * Math.pow(2, now.zoom));
      if (Math.max(Math.abs(last.lat - now.lat), Math.abs(last.lon - now.lon)) <= 2 * degreesPerPixel) return;
    }
    this.shownView = now;
    this.change(now, false);
  };

  Controller.prototype.drawBase = function () {
    var base = this.data.base;
    if (!base) return;
    var map = this.map;
    var offline = this.options.offline;
    this.baseCountries = L.geoJSON(base.countries, {
      pane: "kcm-base", interactive: false,
      style: function (f) {
        return { color: "#6b7280", weight: 1.2, fillColor: f.properties.id === "AZE" ? "#f3f4f6" : "#e5e7eb",
                 fillOpacity: offline ? 1 : 0.15, className: "kcm-base-country" };
      }
    }).addTo(map);
    L.geoJSON(base.districts, {
      pane: "kcm-base", interactive: false,
      style: function () { return { color: "#9ca3af", weight: 0.8, fill: false, dashArray: "2 3" }; }
    }).addTo(map);
    base.labels.features.forEach(function (f) {
      var c = f.geometry.coordinates;
      L.marker([c[1], c[0]], {
        pane: "kcm-labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "kcm-label", html: esc(f.properties.name_en), iconSize: null })
      }).addTo(map);
    });
  };

  // A status-styled layer (settlements and their cells) takes the colour of each feature's status that day.
  Controller.prototype.statusStyle = function (feature, change, info) {
    var status = change && this.statuses[change.tone];
    var selected = this.state.selected.indexOf(feature.properties.id) >= 0;
    var colour = status ? status.colour : info.colour;
    if (info.kind === "point") {
      return { stroke: true, fill: true, color: selected ? "#facc15" : "#1f2937", weight: selected ? 3 : 1,
               fillColor: colour, fillOpacity: 0.95, opacity: 1, radius: selected ? 6 : 4 };
    }
    // Cells are nearest-settlement areas, not front lines: a thin outline in their own colour, no dashes.
    return { stroke: true, fill: true, color: selected ? "#facc15" : colour, weight: selected ? 3 : 0.6,
             opacity: selected ? 1 : 0.7, fillColor: colour, fillOpacity: 0.45, dashArray: null };
  };

  Controller.prototype.styleFor = function (feature, change) {
    var info = this.layerInfo[feature.properties.layer];
    if (info.style === "status") return this.statusStyle(feature, change, info);
    var precision = feature.properties.precision;
    var pending = change && PENDING.test(change.status || "");
    var selected = this.state.selected.indexOf(feature.properties.id) >= 0;
    var kind = info.kind;
    var style = {
      color: selected ? "#facc15" : info.colour,
      weight: selected ? 4 : (kind === "line" ? 3 : (precision === "exact_admin" ? 2.2 : 1.4)),
      opacity: 0.95,
      fillColor: info.colour,
      fillOpacity: kind === "polygon" ? (pending ? 0.12 : (info.id === "armenian_held_1994" ? 0.08 : 0.35)) : 0,
      // How precisely a feature is known shows in its outline: approximate ones are dashed.
      dashArray: precision === "approximate" ? "7 6" : (pending ? "3 5" : null)
    };
    if (info.id === "nkao_1991") { style.fillOpacity = 0; }
    if (change && BLOCKED.test(change.status || "") && !selected) {
      style.color = "#7f1d1d"; style.fillColor = "#7f1d1d"; style.dashArray = "2 5"; style.weight += 1;
    }
    style.stroke = true;
    style.fill = kind === "polygon";  // explicit, so that a shape hidden on the canvas comes back whole
    return style;
  };

  Controller.prototype.prepareLayer = function (info) {
    var self = this;
    var collection = this.data.features[info.id];
    if (!collection) return;
    collection.features.forEach(function (feature) {
      var id = feature.properties.id;
      var options = {
        pane: "kcm-" + info.id,
        className: "kcm-feature kcm-layer-" + info.id + " kcm-f-" + id
      };
      if (self.canvas) { options.renderer = self.canvas; options.pane = "kcm-canvas"; }
      var layer;
      if (feature.geometry.type === "Point") {
        var c = feature.geometry.coordinates;
        options.radius = info.style === "status" ? 4 : 5; options.color = "#111827"; options.weight = 1.5;
        options.fillColor = "#ffffff"; options.fillOpacity = 1;
        layer = L.circleMarker([c[1], c[0]], options);
        self.placeLabels = self.placeLabels || {};
        self.placeLabels[id] = null;  // made when it is first to be drawn (makeLabel): most never are
      } else {
        layer = L.geoJSON(feature, { style: function () { return options; }, pane: options.pane,
                                     renderer: options.renderer });
      }
      layer.bindTooltip(function () { return self.tooltipHtml(feature); }, { sticky: true, className: "kcm-tip" });
      layer.bindPopup(function () { return self.popupHtml(feature, layer); }, { className: "kcm-popup" });
      self.byId[id] = { feature: feature, layer: layer, shown: false, info: info, level: 0,
                        geometryType: feature.geometry.type };
    });
  };

  // A change's words: its own, or its status's label (the runtime sends a status-styled change as a tone).
  Controller.prototype.statusText = function (change) {
    if (!change) return "";
    if (change.status) return change.status;
    var status = this.statuses[change.tone];
    return status ? status.label : "";
  };

  Controller.prototype.tooltipHtml = function (feature) {
    var p = feature.properties;
    var change = statusOn(p.timeline, this.state.date);
    var name = this.nameOf(p);
    return "<b>" + esc(name.text) + "</b>" + (name.fallback ? " <small>(English: no " +
      esc(LANGUAGE_NAMES[this.lang]) + " form in the sources)</small>" : "") +
      (change ? "<br>" + esc(this.statusText(change)) : "");
  };

  Controller.prototype.popupHtml = function (feature, layer) {
    var self = this, cell = this.lod && this.lod.cells[feature.properties.cell];
    var failed = cell && this.detailsFailed[cell.details];
    if (failed) delete this.detailsFailed[cell.details];  // said once; the next opening tries again
    var loading = failed ? null : this.loadDetails(feature);
    if (loading) {
      // Shown at once with what the map has; filled in when the cell's details arrive, or says they did not.
      var update = function () { if (layer.isPopupOpen()) layer.getPopup().update(); };
      loading.then(update, function () { self.detailsFailed[cell.details] = true; update(); });
    }
    var p = L.extend({}, feature.properties, this.details[feature.properties.id] || {});
    var info = this.layerInfo[p.layer];
    var change = statusOn(p.timeline, this.state.date);
    var rows = [];
    // The title in the chosen language; the table gives every name the sources have, the chosen one first.
    var title = this.nameOf(p), lang = this.lang;
    var names = ["en", "az", "hy", "ru"].map(function (code) { return [code, LANGUAGE_NAMES[code], p["name_" + code]]; });
    names.sort(function (a, b) { return (b[0] === lang) - (a[0] === lang); });
    var html = "<div class='kcm-pop' data-feature='" + esc(p.id) + "'><div class='kcm-pop-title' lang='" +
      esc(title.fallback ? "en" : lang) + "'>" + esc(title.text) +
      "</div><div class='kcm-pop-layer'>" + esc(info.title) + "</div><table>";
    names.forEach(function (n) {
      if (n[2]) rows.push("<tr><th>" + n[1] + "</th><td lang='" + n[0] + "'>" + esc(n[2]) + "</td></tr>");
      else if (n[0] === lang && !loading) rows.push("<tr><th>" + n[1] + "</th><td><i>not in the sources</i></td></tr>");
    });
    if (change) {
      rows.push("<tr><th>On " + esc(this.state.date) + "</th><td>" + esc(this.statusText(change)) +
        (change.date ? " (since " + esc(change.date) + ")" : "") + "</td></tr>");
    }
    if (p.area_km2) rows.push("<tr><th>Area</th><td>" + esc(Math.round(p.area_km2).toLocaleString("en")) + " km²</td></tr>");
    if (p.population) rows.push("<tr><th>Population</th><td>" + esc(p.population.toLocaleString("en")) +
      (p.population_note ? " <small>(" + esc(p.population_note) + ")</small>" : "") + "</td></tr>");
    rows.push("<tr><th>Precision</th><td>" + esc(this.data.precision[p.precision] || p.precision) + "</td></tr>");
    html += rows.join("") + "</table>";
    if (p.figures) {
      html += "<div class='kcm-pop-figures'>" + Object.keys(p.figures).map(function (k) {
        return esc(k.replace(/_/g, " ")) + ": " + esc(p.figures[k]);
      }).join("; ") + "</div>";
    }
    if (p.note) html += "<div class='kcm-pop-note'>" + esc(p.note) + "</div>";
    if (p.history && p.history.length) {
      html += "<div class='kcm-pop-history'><b>What happened, and who says so:</b><ol>" +
        p.history.map(function (h) { return "<li>" + historyHtml(h) + "</li>"; }).join("") + "</ol></div>";
    }
    if (p.coord_url) {
      html += "<div class='kcm-pop-coords'><b>Position:</b> " + link(p.coord_url, p.coord_page || p.coord_url) +
        (p.coord_quality === "medium" ? " (derived from a stated distance and bearing)" : "") + "</div>";
    }
    html += "<div class='kcm-pop-sources'><b>Sources:</b> " + (p.sources || []).map(citeHtml).join("; ") + "</div>";
    if (loading) html += "<div class='kcm-pop-loading'>Loading names, sources and quotes…</div>";
    if (failed) {
      html += "<div class='kcm-pop-failed'>The names in other languages, the sources and the article's quotes " +
        "could not be loaded from the dashboard. Close this and open it again to retry.</div>";
    }
    var quotes = this.detailQuotes[p.id] || (this.data.quotes && this.data.quotes[p.id]) || [];
    if (quotes.length) {
      html += "<div class='kcm-pop-quotes'><b>The article says:</b><ul>" + quotes.map(function (q) {
        return "<li>“" + esc(q.quote) + "” <a class='kcm-claim-link' data-claim='" + esc(q.id) + "' href='" +
          esc(claimLink(q)) + "'>" + esc(q.id) + ": " + esc(q.verdict) + " on 24 Nov 2020" +
          (q.hindsight ? "; " + esc(String(q.hindsight).replace(/_/g, " ")) + " in hindsight" : "") + "</a></li>";
      }).join("") + "</ul></div>";
    }
    return html + "</div>";
  };

  // A source: its outlet, date and title, linked to its address. Only http(s) addresses become links.
  var link = function (url, text) {
    return /^https?:\/\//.test(String(url)) ?
      "<a href='" + esc(url) + "' target='_blank' rel='noopener noreferrer'>" + esc(text) + "</a>" : esc(text);
  };
  var citeHtml = function (source) {
    if (!source || typeof source !== "object") return esc(source);
    var label = source.outlet + (source.published ? ", " + source.published : "") + ": " + source.title;
    return link(source.url, label);
  };
  var EVENT_WORDS = {
    announced_taken: "capture announced", denied: "denied", confirmed: "confirmed", admitted: "loss admitted",
    contested: "contested", not_taken: "not taken", partial: "split", taken_undated: "Azerbaijani-held, no date given",
    stayed_held: "stayed Armenian-held (peacekeeping zone)", scheduled: "to be handed over",
    handed_over: "handed over", taken_after_ceasefire: "taken after the ceasefire"
  };
  var PRECISION_WORDS = { unverified: " (day unverified)", month: " (month only)", by: " (at the latest)" };
  var historyHtml = function (h) {
    var day = h.date_precision === "month" ? h.date.slice(0, 7) : h.date;
    return "<b>" + esc(day) + esc(PRECISION_WORDS[h.date_precision] || "") + "</b> " +
      esc(EVENT_WORDS[h.event] || h.event) + " — " + esc(h.by) + (h.note ? ": " + esc(h.note) : "") +
      "<br><small>" + (h.sources || []).map(citeHtml).join("; ") + "</small>";
  };

  // The claim's own link (for a new tab: a click selects it in place, see the constructor): the current view's
  // parameters with the claim and its date, and no centre, so that the page fits the map to the claim.
  var claimLink = function (q) {
    var params = new URLSearchParams(window.location.search);
    params.set("claim", q.id);
    params.set("date", q.map_date);
    params.delete("lat"); params.delete("lon"); params.delete("zoom");
    return "?" + params.toString();
  };

  Controller.prototype.legend = function () {
    var self = this;
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "kcm-legend");
      var html = "<button type='button' class='kcm-legend-title' aria-expanded='true'>Legend</button><div class='kcm-legend-body'>";
      self.data.layers.forEach(function (info) {
        var swatch = info.kind === "point" ? "<span class='kcm-sw kcm-sw-point'></span>" :
          info.kind === "line" ? "<span class='kcm-sw kcm-sw-line' style='border-top-color:" + esc(info.colour) + "'></span>" :
          "<span class='kcm-sw' style='background:" + esc(info.colour) + "'></span>";
        html += "<div class='kcm-legend-row' data-layer='" + esc(info.id) + "'>" + swatch + esc(info.title) + "</div>";
      });
      var statuses = self.statuses;
      var shownStatuses = self.statusOrder.filter(function (id) { return statuses[id].legend !== false; });
      if (shownStatuses.length) {
        html += "<div class='kcm-legend-sep'></div><div class='kcm-legend-sub'>Settlements and their areas:</div>" +
          shownStatuses.map(function (id) {
            return "<div class='kcm-legend-row' data-status='" + esc(id) + "'><span class='kcm-sw kcm-sw-status' style='background:" +
              esc(statuses[id].colour) + "'></span>" + esc(statuses[id].short || statuses[id].label) + "</div>";
          }).join("");
      }
      html += "<div class='kcm-legend-sep'></div>" +
        "<div class='kcm-legend-row'><span class='kcm-sw kcm-sw-exact'></span>Exact administrative line</div>" +
        "<div class='kcm-legend-row'><span class='kcm-sw kcm-sw-approx'></span>Approximate, hand-built (dashed)</div>" +
        "<div class='kcm-legend-row'><span class='kcm-sw kcm-sw-pending'></span>Pending that day: scheduled or contested</div></div>";
      div.innerHTML = html;
      // The legend scrolls rather than grow into the controls at the map's top (zoom, search, time bar).
      var body = div.querySelector(".kcm-legend-body");
      // Open on a desktop, it keeps to the lower two fifths of the map's height.
      var fit = function () { body.style.maxHeight = Math.max(100, Math.min(0.4 * self.map.getSize().y, self.map.getSize().y - 230)) + "px"; };
      fit();
      self.map.on("resize", fit);
      // On a narrow map (a phone) the legend starts folded: open, it would cover half the map.
      if (self.narrow) {
        div.classList.add("kcm-legend-closed");
        div.querySelector(".kcm-legend-title").setAttribute("aria-expanded", "false");
      }
      // The legend folds away so that it never hides the map on a small screen.
      var toggle = div.querySelector(".kcm-legend-title");
      toggle.addEventListener("click", function () {
        var open = div.classList.toggle("kcm-legend-closed") === false;
        toggle.setAttribute("aria-expanded", String(open));
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(this.map);
    this.legendControl = control;
  };

  // The area each side held, day by day: a stacked chart drawn once, its day marker moved on each step.
  var CHART_W = 276, CHART_H = 64;
  Controller.prototype.areaChart = function (areas) {
    // The figures hold from each of `days` until the next (the last until `end`): a stepped chart, laid out
    // on the time bar's scale, so that the war takes the room it takes on the bar.
    var self = this, days = areas.days, scale = this.scale;
    var totals = days.map(function (_, i) {
      return areas.groups.reduce(function (sum, g) { return sum + areas.km2[g.id][i]; }, 0);
    });
    var top = Math.max.apply(null, totals) || 1;
    var xOfDay = function (day) {
      return scale ? scale.positionOf(day) / (scale.positions - 1) * CHART_W : 0;
    };
    var edges = days.map(xOfDay).concat([CHART_W]);
    var y = function (v) { return CHART_H - v / top * CHART_H; };
    var below = days.map(function () { return 0; });
    var outline = function (values) {
      var points = [];
      values.forEach(function (v, i) {
        points.push(edges[i].toFixed(1) + "," + y(v).toFixed(1), edges[i + 1].toFixed(1) + "," + y(v).toFixed(1));
      });
      return points;
    };
    var shapes = areas.groups.map(function (g) {
      var upper = below.map(function (b, i) { return b + areas.km2[g.id][i]; });
      var points = outline(upper).concat(outline(below).reverse());
      below = upper;
      return "<polygon points='" + points.join(" ") + "' fill='" + esc(g.colour) + "'><title>" + esc(g.title || g.label) +
        "</title></polygon>";
    }).join("");
    var first = days[0], last = areas.end || days[days.length - 1];
    var title = "Area held, " + shortDay(first) + " - " + shortDay(last);
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "kcm-areas");
      div.innerHTML = "<button type='button' class='kcm-areas-title' aria-expanded='true'>" + esc(title) + "</button>" +
        "<div class='kcm-areas-body'><svg class='kcm-areas-chart' width='" + CHART_W + "' height='" + CHART_H +
        "' viewBox='0 0 " + CHART_W + " " + CHART_H + "' role='img' aria-label='Area held by each side, day by day'>" +
        shapes + "<line class='kcm-areas-day' x1='0' x2='0' y1='0' y2='" + CHART_H + "'></line></svg>" +
        "<div class='kcm-areas-figures' aria-live='polite'>" + areas.groups.map(function (g) {
          return "<div title='" + esc(g.title || g.label) + "'><span class='kcm-sw' style='background:" + esc(g.colour) +
            "'></span>" + esc(g.label) + ": <span class='kcm-areas-value' data-group='" + esc(g.id) + "'></span></div>";
        }).join("") + "</div></div>";
      var toggle = div.querySelector(".kcm-areas-title");
      toggle.addEventListener("click", function () {
        var open = div.classList.toggle("kcm-areas-closed") === false;
        toggle.setAttribute("aria-expanded", String(open));
      });
      if (self.narrow) {
        div.classList.add("kcm-areas-closed");
        toggle.setAttribute("aria-expanded", "false");
      }
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(this.map);
    var div = control.getContainer();
    var values = {};
    Array.prototype.forEach.call(div.querySelectorAll(".kcm-areas-value"), function (el) {
      values[el.getAttribute("data-group")] = el;
    });
    this.areas = { data: areas, totals: totals, x: xOfDay, line: div.querySelector(".kcm-areas-day"), values: values,
                   format: new Intl.NumberFormat("en", { maximumFractionDigits: 0 }) };
  };

  Controller.prototype.markAreaDay = function (day) {
    var chart = this.areas;
    if (!chart) return;
    var days = chart.data.days, i = -1;
    for (var k = 0; k < days.length && days[k] <= day; k++) i = k;
    if (i < 0) return;
    chart.line.setAttribute("x1", chart.x(day).toFixed(1));
    chart.line.setAttribute("x2", chart.x(day).toFixed(1));
    // Only the numbers change, in rows laid out once: a step costs no new layout of the box.
    var total = chart.totals[i] || 1;
    chart.data.groups.forEach(function (g) {
      var km2 = chart.data.km2[g.id][i];
      var text = (100 * km2 / total).toFixed(1) + "% (" + chart.format.format(km2) + " km²)";
      if (chart.values[g.id].textContent !== text) chart.values[g.id].textContent = text;
    });
    this.map.getContainer().setAttribute("data-kcm-area-day", day);
  };

  // Names compared as the server's geo.settlements.fold does: case and accents aside ('Xocavənd' = 'xocavend').
  var fold = function (text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/ı/g, "i").replace(/ə/g, "e").trim();
  };
  var SEARCH_LIMIT = 8;

  // Find a place by any of its names. The names come with the first use of the box (a file of their own),
  // so they cost nothing on the way to the first paint; the standalone export has them inline.
  Controller.prototype.searchControl = function () {
    var self = this;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "kcm-search");
      div.innerHTML = "<input type='search' class='kcm-search-input' maxlength='80' autocomplete='off' " +
        "placeholder='Find a place: Khankendi, Ստեփանակերտ…' aria-label='Find a place by any of its names'>" +
        "<ul class='kcm-search-results' role='listbox'></ul>";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(this.map);
    var div = control.getContainer(), input = div.querySelector("input"), list = div.querySelector("ul");
    this.searchInput = input;
    var show = function () {
      self.loadNames().then(function (names) {
        var wanted = fold(input.value);
        list.innerHTML = "";
        if (wanted.length < 2) return;
        var starts = [], contains = [];
        names.forEach(function (n) {
          if (n[3].some(function (f) { return f.indexOf(wanted) === 0; })) starts.push(n);
          else if (n[3].some(function (f) { return f.indexOf(wanted) > 0; })) contains.push(n);
        });
        var found = starts.concat(contains).slice(0, SEARCH_LIMIT);
        if (!found.length) {
          list.innerHTML = "<li class='kcm-search-none'>No place is called “" + esc(input.value) + "”</li>";
          return;
        }
        list.innerHTML = found.map(function (n) {
          return n[2] ? "<li><button type='button' class='kcm-search-hit' data-place='" + esc(n[0]) + "'>" + esc(n[1]) +
            "</button></li>" : "<li class='kcm-search-off'>" + esc(n[1]) + " (no coordinates in the sources, not on the map)</li>";
        }).join("");
      }, function () {
        list.innerHTML = "<li class='kcm-search-none'>The names could not be loaded; try again.</li>";
      });
    };
    input.addEventListener("input", show);
    input.addEventListener("focus", function () { self.loadNames(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = list.querySelector(".kcm-search-hit");
        if (first) self.findPlace(first.getAttribute("data-place"));
      } else if (event.key === "Escape") {
        input.value = ""; list.innerHTML = "";
      }
    });
    list.addEventListener("click", function (event) {
      var hit = event.target.closest(".kcm-search-hit");
      if (hit) self.findPlace(hit.getAttribute("data-place"));
    });
  };

  Controller.prototype.loadNames = function () {
    if (this.data.names) return Promise.resolve(this.data.names);
    var self = this;
    return this.fetchJson(this.data.names_url).then(function (names) { self.data.names = names; return names; });
  };

  // A place chosen in the box: the map goes there and selects it (its point and its land), and tells the page,
  // which shows its status and sources beside the map and puts it in the link.
  Controller.prototype.findPlace = function (id) {
    var entry = this.byId[id];
    if (!entry) return;
    var c = entry.feature.geometry.coordinates;
    var selected = [id];
    if (this.byId["captured_" + id]) selected.push("captured_" + id);
    this.searchInput.value = "";
    this.searchInput.parentNode.querySelector("ul").innerHTML = "";
    var zoom = Math.max(this.map.getZoom(), 12);
    this.moveTo(Number(c[1].toFixed(4)), Number(c[0].toFixed(4)), zoom);
    var layers = this.state.layers.slice();
    if (layers.indexOf(entry.info.id) < 0) layers.push(entry.info.id);
    this.apply({ date: this.state.date, layers: layers, selected: selected });
    this.change(L.extend({ place: id, claim: null, point: null, layers: layers }, this.shownView), true);
  };

  var addDays = function (iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  var daysBetween = function (a, b) {
    return Math.round((Date.parse(b + "T00:00:00Z") - Date.parse(a + "T00:00:00Z")) / 864e5);
  };
  var DAY_LABEL = { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };
  var SHORT_DAY = { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };
  var BAR_POSITIONS = 1000;

  // The time bar's scale: each period of the timeline (geo.catalog.PERIODS) gets its share of the bar, so the
  // 44 days of the war have as much room as the two years after them. A day's position is the first of the
  // positions it covers, and every position names one day: where a period has more positions than days,
  // each day is reachable by dragging; where fewer, the buttons and the arrow keys still go day by day.
  var timeScale = function (timeline) {
    var days = [];
    for (var day = timeline.start; day <= timeline.end; day = addDays(day, 1)) days.push(day);
    var periods = timeline.periods && timeline.periods.length ? timeline.periods :
      [{ id: "all", label: "", title: "", start: timeline.start, end: timeline.end, share: 1, play_days: 1 }];
    var at = 0, first = 0;
    var spans = periods.map(function (p, k) {
      var width = k === periods.length - 1 ? BAR_POSITIONS - at : Math.round(p.share * BAR_POSITIONS);
      var span = { period: p, from: at, width: width, first: first, days: daysBetween(p.start, p.end) + 1 };
      at += width; first += span.days;
      return span;
    });
    var spanOfIndex = function (i) {
      for (var k = spans.length - 1; k >= 0; k--) if (i >= spans[k].first) return spans[k];
      return spans[0];
    };
    var index = {};
    days.forEach(function (d, i) { index[d] = i; });
    var scale = {
      days: days, spans: spans, positions: BAR_POSITIONS,
      indexOf: function (day) { return day in index ? index[day] : -1; },
      periodOf: function (day) { return spanOfIndex(Math.max(0, scale.indexOf(day))).period; },
      positionOf: function (day) {
        var i = scale.indexOf(day);
        if (i < 0) return 0;
        var s = spanOfIndex(i);
        return s.from + Math.ceil((i - s.first) * s.width / s.days);
      },
      dayAt: function (position) {
        position = Math.max(0, Math.min(BAR_POSITIONS - 1, position));
        var s = spans[spans.length - 1];
        for (var k = 0; k < spans.length; k++) if (position < spans[k].from + spans[k].width) { s = spans[k]; break; }
        return days[Math.min(s.first + s.days - 1, s.first + Math.floor((position - s.from) * s.days / s.width))];
      }
    };
    return scale;
  };

  // The map's own timeline: a step is drawn at once, on the client; the dashboard hears of it afterwards.
  Controller.prototype.timeControl = function (timeline) {
    var self = this, scale = this.scale;
    this.days = scale.days;
    var keyDays = Object.keys(timeline.key_dates || {}).sort();
    var control = L.control({ position: this.narrow ? "topleft" : "topright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "kcm-time");
      if (self.narrow) div.style.width = (self.map.getSize().x - 20) + "px";
      var ticks = keyDays.map(function (d) {
        return "<option value='" + scale.positionOf(d) + "' label='" + esc(timeline.key_dates[d]) + "'></option>";
      }).join("");
      var strip = scale.spans.map(function (s) {
        return "<button type='button' class='kcm-time-period' data-period='" + esc(s.period.id) + "' data-start='" +
          esc(s.period.start) + "' style='flex-grow:" + s.width + "' title='" + esc(s.period.title) + ", " +
          esc(shortDay(s.period.start)) + " - " + esc(shortDay(s.period.end)) + "' aria-label='Go to " +
          esc(s.period.label) + ": " + esc(s.period.title) + "'>" + esc(s.period.label) + "</button>";
      }).join("");
      // The list holds the key dates and every other day on which something on the map changes, so that no
      // change is out of reach of the list; a day that is not a key date says how many features change.
      var changes = self.changeDays(timeline);
      var listed = Object.keys(changes).concat(keyDays).filter(function (d, i, all) { return all.indexOf(d) === i; }).sort();
      self.listedDays = {};
      listed.forEach(function (d) { self.listedDays[d] = true; });
      var groups = scale.spans.map(function (s) {
        var inside = listed.filter(function (d) { return d >= s.period.start && d <= s.period.end; });
        if (!inside.length) return "";
        return "<optgroup label='" + esc(s.period.label + ": " + s.period.title) + "'>" + inside.map(function (d) {
          var what = timeline.key_dates[d] ||
            (changes[d] + (changes[d] === 1 ? " change" : " changes") + " on the map");
          return "<option value='" + esc(d) + "'>" + esc(shortDay(d)) + ": " + esc(what) + "</option>";
        }).join("") + "</optgroup>";
      }).join("");
      div.innerHTML = "<button type='button' class='kcm-time-prev' aria-label='Previous day'>‹</button>" +
        "<input type='range' class='kcm-time-range' min='0' max='" + (scale.positions - 1) + "' step='1' value='0' " +
        "list='kcm-key-days' aria-label='Date on the map'><datalist id='kcm-key-days'>" + ticks + "</datalist>" +
        "<button type='button' class='kcm-time-next' aria-label='Next day'>›</button>" +
        "<button type='button' class='kcm-time-play' aria-pressed='false'>Play</button>" +
        "<div class='kcm-time-periods' role='group' aria-label='Periods of the timeline'>" + strip + "</div>" +
        "<select class='kcm-time-keydate' aria-label='Jump to a key date or a day the map changes'><option value=''>Key dates and changes…</option>" +
        groups + "</select>" +
        "<div class='kcm-time-label' aria-live='polite'></div>";
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(this.map);
    var div = control.getContainer();
    this.timeRange = div.querySelector(".kcm-time-range");
    this.timeLabel = div.querySelector(".kcm-time-label");
    this.playButton = div.querySelector(".kcm-time-play");
    this.keyDateSelect = div.querySelector(".kcm-time-keydate");
    this.periodButtons = div.querySelectorAll(".kcm-time-period");
    this.keyDateSelect.addEventListener("change", function () {
      if (self.keyDateSelect.value) self.setDate(self.keyDateSelect.value, true);
    });
    Array.prototype.forEach.call(this.periodButtons, function (button) {
      button.addEventListener("click", function () { self.setDate(button.getAttribute("data-start"), true); });
    });
    this.keyDates = timeline.key_dates || {};
    this.keyDays = keyDays;
    this.timeRange.addEventListener("input", function () { self.setDate(scale.dayAt(Number(self.timeRange.value))); });
    // The arrow keys step a day, Page Up and Page Down a step of Play's: a position of the bar may be a
    // fraction of a day (the war) or several days (the years after).
    this.timeRange.addEventListener("keydown", function (event) {
      var by = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
      if (event.key === "PageUp" || event.key === "PageDown") {
        by = (event.key === "PageUp" ? 1 : -1) * scale.periodOf(self.state.date).play_days;
      }
      if (!by) return;
      event.preventDefault();
      self.stepBy(by);
    });
    div.querySelector(".kcm-time-prev").addEventListener("click", function () { self.stepBy(-1); });
    div.querySelector(".kcm-time-next").addEventListener("click", function () { self.stepBy(1); });
    this.playButton.addEventListener("click", function () { self.togglePlay(); });
  };
  // A web base map that cannot load (no network, or its server unreachable) would leave the map pale with no
  // word of why: say so on the map, and that the project's own offline layer is what is drawn. The notice goes
  // once a tile does load (the network is back).
  Controller.prototype.watchWebTiles = function () {
    var self = this, map = this.map, tiles = [];
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) tiles.push(layer); });
    if (!tiles.length) return;
    var loaded = 0, notice = null;
    var container = map.getContainer();
    tiles.forEach(function (layer) {
      layer.on("tileload", function () {
        loaded += 1;
        if (notice) {
          map.removeControl(notice); notice = null;
          if (self.baseCountries) self.baseCountries.setStyle({ fillOpacity: 0.15 });
        }
        container.setAttribute("data-kcm-tiles", "loaded");
      });
      layer.on("tileerror", function () {
        if (loaded || notice) return;
        notice = L.control({ position: "bottomleft" });
        notice.onAdd = function () {
          var div = L.DomUtil.create("div", "kcm-tiles-failed");
          div.setAttribute("role", "status");
          div.textContent = "The web base map cannot be loaded (no network?). The map's own offline base " +
            "layer is shown instead; choose it under Base map to stop trying.";
          return div;
        };
        notice.addTo(map);
        // The offline layer, drawn faint under web tiles, is the base map now: drawn as it is offline.
        if (self.baseCountries) self.baseCountries.setStyle({ fillOpacity: 1 });
        container.setAttribute("data-kcm-tiles", "failed");
      });
    });
  };

  // Days on which a feature of the map changes (appears, changes status or ends), with how many change.
  Controller.prototype.changeDays = function (timeline) {
    var days = {};
    var features = this.data.features || {};
    Object.keys(features).forEach(function (layer) {
      features[layer].features.forEach(function (feature) {
        (feature.properties.timeline || []).forEach(function (change) {
          if (change.date && change.date >= timeline.start && change.date <= timeline.end) {
            days[change.date] = (days[change.date] || 0) + 1;
          }
        });
      });
    });
    return days;
  };
  var shortDay = function (iso) { return new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB", SHORT_DAY); };

  Controller.prototype.stepBy = function (days) {
    var index = this.days.indexOf(this.state.date) + days;
    index = Math.max(0, Math.min(this.days.length - 1, index));
    if (this.days[index] === this.state.date) return false;
    this.setDate(this.days[index]);
    return true;
  };

  // Play moves at the pace of the period it is in (a day at a time through the war, a week or two in the
  // quiet years), but never past a key date or into the next period without stopping on it.
  Controller.prototype.playStep = function () {
    var scale = this.scale, day = this.state.date, period = scale.periodOf(day);
    var target = addDays(day, period.play_days);
    var nextPeriod = addDays(period.end, 1);
    if (nextPeriod < target) target = nextPeriod;
    for (var k = 0; k < this.keyDays.length; k++) {
      if (this.keyDays[k] > day) { if (this.keyDays[k] < target) target = this.keyDays[k]; break; }
    }
    if (target > this.days[this.days.length - 1]) target = this.days[this.days.length - 1];
    if (target === day) return false;
    this.setDate(target);
    return true;
  };

  Controller.prototype.togglePlay = function () {
    var self = this;
    if (this.playing) {
      clearInterval(this.playing); this.playing = null;
    } else {
      if (this.state.date === this.days[this.days.length - 1]) this.setDate(this.days[0]);
      this.playing = setInterval(function () { if (!self.playStep()) self.togglePlay(); }, 800);
    }
    this.playButton.textContent = this.playing ? "Pause" : "Play";
    this.playButton.setAttribute("aria-pressed", String(Boolean(this.playing)));
  };

  // A date chosen on the map: draw it now, then tell whoever mounted the map. A key date is a deliberate
  // change; a step, a drag or Play is not (it would flood the browser's history).
  Controller.prototype.setDate = function (day, deliberate) {
    if (day === this.state.date) return;
    this.apply({ date: day, layers: this.state.layers, selected: this.state.selected });
    this.change({ date: day }, deliberate);
  };

  // A popup fits the map's free area: no wider than the map, no taller than the room between the controls at
  // its top and bottom (scrolling beyond), and panned clear of them. The legend and the chart fold while it
  // is open (they come back when it closes), so that neither covers it.
  Controller.prototype.fitPopup = function (popup) {
    var container = this.map.getContainer(), size = this.map.getSize();
    this.folded = [];
    Array.prototype.forEach.call(container.querySelectorAll(".kcm-legend, .kcm-areas"), function (box) {
      var closed = box.classList.contains("kcm-legend") ? "kcm-legend-closed" : "kcm-areas-closed";
      if (!box.classList.contains(closed)) { box.classList.add(closed); this.folded.push([box, closed]); }
    }, this);
    var frame = container.getBoundingClientRect(), top = 0, bottom = 0;
    Array.prototype.forEach.call(container.querySelectorAll(".leaflet-top .leaflet-control"), function (control) {
      top = Math.max(top, control.getBoundingClientRect().bottom - frame.top);
    });
    Array.prototype.forEach.call(container.querySelectorAll(".leaflet-bottom .leaflet-control"), function (control) {
      bottom = Math.max(bottom, frame.bottom - control.getBoundingClientRect().top);
    });
    var options = popup.options;
    options.maxWidth = Math.max(160, Math.min(320, size.x - 40));
    options.minWidth = Math.min(200, options.maxWidth);
    options.maxHeight = Math.max(140, size.y - top - bottom - 40);
    options.autoPanPaddingTopLeft = L.point(10, top + 8);
    options.autoPanPaddingBottomRight = L.point(10, bottom + 8);
    popup.update();
    container.setAttribute("data-kcm-popup-room", [Math.round(top), Math.round(bottom)].join(","));
  };

  Controller.prototype.unfoldCorners = function () {
    (this.folded || []).forEach(function (pair) { pair[0].classList.remove(pair[1]); });
    this.folded = [];
  };

  // The map goes, with everything the controller started (Play's timer).
  Controller.prototype.destroy = function () {
    if (this.playing) { clearInterval(this.playing); this.playing = null; }
    var list = window.KCM.controllers, i = list.indexOf(this);
    if (i >= 0) list.splice(i, 1);
    if (window.KCM.controller === this) window.KCM.controller = list[list.length - 1] || null;
    this.map.remove();
  };

  // Show the state of a day: add what appears, remove what goes, restyle what changes status.
  Controller.prototype.apply = function (state) {
    var started = performance.now();
    this.state = { date: state.date, layers: state.layers || [], selected: state.selected || [] };
    var wanted = {};
    this.state.layers.forEach(function (id) { wanted[id] = true; });
    var visible = 0, toggled = false;
    for (var id in this.byId) {
      var entry = this.byId[id];
      var p = entry.feature.properties;
      var change = statusOn(p.timeline, this.state.date);
      var show = change !== null && wanted[p.layer] === true;
      if (show !== entry.shown) {
        var label = this.placeLabels && this.placeLabels[id];
        if (this.canvas) this.showOnCanvas(entry, show);
        else if (show) entry.layer.addTo(this.map);
        else this.map.removeLayer(entry.layer);
        if (!show && label) this.map.removeLayer(label);
        entry.shown = show;
        toggled = true;
      }
      if (show) {
        visible += 1;
        if (entry.feature.geometry.type !== "Point" || entry.info.style === "status") {
          var key = (change.date || "") + "|" + (this.state.selected.indexOf(id) >= 0);
          if (entry.styleKey !== key) { entry.layer.setStyle(this.styleFor(entry.feature, change)); entry.styleKey = key; }
        }
      }
    }
    // Which names fit changes only with the places shown or the zoom (zoomend): the page's echo of a step the
    // map has already drawn changes neither.
    if (toggled) this.declutterLabels();
    var legend = this.legendControl && this.legendControl.getContainer();
    if (legend) {
      Array.prototype.forEach.call(legend.querySelectorAll("[data-layer]"), function (row) {
        row.classList.toggle("kcm-off", wanted[row.getAttribute("data-layer")] !== true);
      });
    }
    if (this.timeRange) {
      this.timeRange.value = String(this.scale.positionOf(this.state.date));
      var period = this.scale.periodOf(this.state.date).id;
      Array.prototype.forEach.call(this.periodButtons, function (button) {
        var here = button.getAttribute("data-period") === period;
        button.classList.toggle("kcm-on", here);
        if (here) button.setAttribute("aria-current", "true"); else button.removeAttribute("aria-current");
      });
      var label = new Date(this.state.date + "T00:00:00Z").toLocaleDateString("en-GB", DAY_LABEL);
      var key = this.keyDates[this.state.date];
      this.timeLabel.innerHTML = "<b>" + esc(label) + "</b>" + (key ? " · " + esc(key) : "");
      this.keyDateSelect.value = this.listedDays[this.state.date] ? this.state.date : "";
    }
    this.markAreaDay(this.state.date);
    // Written last, so that whoever watches the DOM (tests, the benchmark) sees a finished state.
    var container = this.map.getContainer();
    container.setAttribute("data-kcm-visible", String(visible));
    container.setAttribute("data-kcm-selected", this.state.selected.join(","));
    container.setAttribute("data-kcm-apply-ms", (performance.now() - started).toFixed(2));
    container.setAttribute("data-kcm-date", this.state.date);
    return visible;
  };

  window.KCM = {
    esc: esc,
    statusOn: statusOn,
    Controller: Controller,
    // The controller of a Leaflet map (static/kcm/map-component.js makes it; tests and the benchmark read it).
    controllers: [],
    make: function (map, options) {
      var controller = new Controller(map, window.KCM_DATA, options);
      window.KCM.controllers.push(controller);
      window.KCM.controller = controller;
      return controller;
    }
  };
})();

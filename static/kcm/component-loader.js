// The map component's module (st.components.v2): load the map's runtime once, then hand it every run.
// The runtime (geo/mapdata.py runtime_script: Leaflet, styles, controller, data) is one static file named by
// its content; KCM.mount is in static/kcm/map-component.js.
const loads = {};

function load(url) {
  if (!loads[url]) {
    loads[url] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = () => { delete loads[url]; reject(new Error("could not load " + url)); };
      document.head.appendChild(script);
    });
  }
  return loads[url];
}

export default function (component) {
  const { data, parentElement } = component;
  return load(data.runtime).then(() => window.KCM.mount(component), (error) => {
    let note = parentElement.querySelector(".kcm-load-failed");
    if (!note) {
      note = document.createElement("p");
      note.className = "kcm-load-failed";
      note.setAttribute("role", "alert");
      parentElement.appendChild(note);
    }
    note.textContent = "The map's script could not be loaded from the dashboard (" + error.message +
      "). Reload the page to try again.";
    component.setStateValue("painted", true);  // the rest of the page must not wait for a map that will not come
  });
}

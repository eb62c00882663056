// dlnotes.book.widgets.Explorer: static website version.
//
// This file is the body of `function (root, data) { ... }`, called once per
// demo: `root` is the demo's element (the div of class "dlx"), `data` the
// parsed JSON of its script element of type "application/json":
//   frames  base64-encoded images (distinct ones only; "mime" gives the type),
//           or, on the website, "urls": the same images as files
//   index   for each combination of parameter values, in row-major order
//           over the parameter grid, the number of its image in frames/urls
//   values  for each slider, the labels of the values it offers
//   sizes   for each slider, how many values it offers
//   off     (optional) for each combination, the sliders that have no effect
//           there: they are disabled and say so
"use strict";
var sliders = root.querySelectorAll("input[type=range]");
var shown = root.querySelectorAll(".dlx-val");
var img = root.querySelector("img");

// Show the precomputed frame for the current slider positions.
function show() {
  var k = 0;
  for (var i = 0; i < sliders.length; i++) {
    k = k * data.sizes[i] + +sliders[i].value;  // row-major index into the grid
  }
  var off = data.off ? data.off[k] : [];
  for (i = 0; i < sliders.length; i++) {
    var inactive = off.indexOf(i) >= 0;
    sliders[i].disabled = inactive;
    sliders[i].parentNode.classList.toggle("dlx-off", inactive);
    shown[i].textContent = data.values[i][+sliders[i].value] + (inactive ? " (no effect here)" : "");
  }
  var f = data.index ? data.index[k] : k;
  img.src = data.urls ? data.urls[f] : "data:" + (data.mime || "image/png") + ";base64," + data.frames[f];
}

for (var i = 0; i < sliders.length; i++) {
  sliders[i].addEventListener("input", show);
}
show();

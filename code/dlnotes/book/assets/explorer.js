// dlnotes.book.widgets.Explorer: static website version.
//
// This file is the body of `function (root, data) { ... }`, called once per
// demo: `root` is the demo's element (the div of class "dlx"), `data` the
// parsed JSON of its script element of type "application/json":
//   frames  base64-encoded PNG images, one per combination of parameter
//           values, in row-major order over the parameter grid
//   values  for each slider, the labels of the values it offers
//   sizes   for each slider, how many values it offers
"use strict";
var sliders = root.querySelectorAll("input[type=range]");
var shown = root.querySelectorAll(".dlx-val");
var img = root.querySelector("img");

// Show the precomputed frame for the current slider positions.
function show() {
  var k = 0;
  for (var i = 0; i < sliders.length; i++) {
    var j = +sliders[i].value;
    k = k * data.sizes[i] + j;  // row-major index into the grid
    shown[i].textContent = data.values[i][j];
  }
  img.src = "data:image/png;base64," + data.frames[k];
}

for (var i = 0; i < sliders.length; i++) {
  sliders[i].addEventListener("input", show);
}
show();

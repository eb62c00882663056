// dlnotes.book.widgets.LinearBoundaryExplorer: static website version.
//
// This file is the body of `function (root, data) { ... }`, called once per
// demo: `root` is the demo's element (the div of class "dlx"), `data` the
// parsed JSON of its script element of type "application/json":
//   X, y    the points (N rows of [x1, x2]) and their 0/1 labels
//   box     the data window [x1 min, x1 max, x2 min, x2 max]
//   W, H    the size of the plot area in SVG units
//   c0, c1  the colours of class 0 and class 1
//   xl, yl  the names of the two inputs
// The neuron is z = w1*x1 + w2*x2 + b; it predicts class 1 where z > 0.
"use strict";
var sliders = root.querySelectorAll("input[type=range]");
var shown = root.querySelectorAll(".dlx-val");
var line = root.querySelector(".dlx-line");
var half = root.querySelector(".dlx-half");
var eq = root.querySelector(".dlx-eq");

// Data coordinates -> SVG coordinates (the SVG y axis points down).
function sx(x) { return (x - data.box[0]) / (data.box[1] - data.box[0]) * data.W; }
function sy(y) { return data.H - (y - data.box[2]) / (data.box[3] - data.box[2]) * data.H; }

// Clip the plane by the line z = 0 against the data window. Returns
// [polygon where z > 0, the segment of the line inside the window].
function clip(w1, w2, b) {
  var corners = [[data.box[0], data.box[2]], [data.box[1], data.box[2]],
                 [data.box[1], data.box[3]], [data.box[0], data.box[3]]];
  var pos = [], seg = [];
  for (var i = 0; i < 4; i++) {
    var p = corners[i], q = corners[(i + 1) % 4];
    var zp = w1 * p[0] + w2 * p[1] + b, zq = w1 * q[0] + w2 * q[1] + b;
    if (zp > 0) pos.push(p);
    if ((zp > 0) != (zq > 0)) {  // the edge p-q crosses the line
      var t = zp / (zp - zq);
      var m = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      pos.push(m);
      seg.push(m);
    }
  }
  return [pos, seg];
}

// " + 1.00" or " \u2212 1.00" (a real minus sign).
function signed(a) { return (a < 0 ? " \u2212 " : " + ") + Math.abs(a).toFixed(2); }

// Read the sliders, then redraw the equation, the accuracy, the shaded
// half-plane and the boundary line.
function update() {
  var v = {};
  for (var i = 0; i < sliders.length; i++) {
    v[sliders[i].dataset.k] = +sliders[i].value;
    shown[i].textContent = (+sliders[i].value).toFixed(2);
  }
  var ok = 0;
  for (var n = 0; n < data.X.length; n++) {
    var z = v.w1 * data.X[n][0] + v.w2 * data.X[n][1] + v.b;
    if ((z > 0 ? 1 : 0) == data.y[n]) ok++;
  }
  eq.textContent = "z = " + v.w1.toFixed(2) + "\u00b7" + data.xl + signed(v.w2) + "\u00b7" + data.yl +
      signed(v.b) + "    accuracy " + (ok / data.X.length * 100).toFixed(1) + " %";
  var cs = clip(v.w1, v.w2, v.b);
  half.setAttribute("points", cs[0].map(function (p) { return sx(p[0]) + "," + sy(p[1]); }).join(" "));
  half.setAttribute("fill", data.c1);
  if (cs[1].length == 2) {
    line.setAttribute("x1", sx(cs[1][0][0]));
    line.setAttribute("y1", sy(cs[1][0][1]));
    line.setAttribute("x2", sx(cs[1][1][0]));
    line.setAttribute("y2", sy(cs[1][1][1]));
    line.style.display = "";
  } else {
    line.style.display = "none";
  }
}

for (var i = 0; i < sliders.length; i++) {
  sliders[i].addEventListener("input", update);
}
update();

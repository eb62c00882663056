// dlnotes.book.widgets.FramePlayer: static website version.
//
// This file is the body of `function (root, data) { ... }`, called once per
// demo: `root` is the demo's element (the div of class "dlx"), `data` the
// parsed JSON of its script element of type "application/json":
//   frames    base64-encoded images, one per frame ("mime" gives the type),
//             or, on the website, "urls": the same images as files
//   labels    one caption per frame
//   interval  milliseconds between frames while playing
"use strict";
var labels = data.labels, last = labels.length - 1;
var slider = root.querySelector("input[type=range]");
var img = root.querySelector("img");
var caption = root.querySelector(".dlx-val");
var timer = null;

// Show the frame the slider points at, with its caption.
function show() {
  var i = +slider.value;
  img.src = data.urls ? data.urls[i] : "data:" + (data.mime || "image/png") + ";base64," + data.frames[i];
  caption.textContent = labels[i];
}

// Move the slider by d frames, clamped to the first and the last frame.
function step(d) {
  slider.value = Math.min(Math.max(+slider.value + d, 0), last);
  show();
}

function stop() {
  clearInterval(timer);
  timer = null;
}

slider.addEventListener("input", show);
root.querySelector("[data-a=prev]").onclick = function () { step(-1); };
root.querySelector("[data-a=next]").onclick = function () { step(1); };

// Play/pause: a second click pauses; playing from the last frame restarts at
// the first; playback stops by itself at the last frame.
root.querySelector("[data-a=play]").onclick = function () {
  if (timer) { stop(); return; }
  if (+slider.value >= last) { slider.value = 0; show(); }
  timer = setInterval(function () {
    if (+slider.value >= last) { stop(); } else { step(1); }
  }, data.interval);
};

show();

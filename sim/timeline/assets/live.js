(function(){
"use strict";
var state=document.getElementById("livestate");
var busy=false,again=false;
function redraw(){
  if(busy){again=true;return;}busy=true;
  fetch(location.pathname,{cache:"no-store"}).then(function(r){return r.text();}).then(function(html){
    var doc=new DOMParser().parseFromString(html,"text/html");
    var sc=document.getElementById("picture"),left=sc.scrollLeft;
    var known={};Array.prototype.forEach.call(document.querySelectorAll("#events tr[id]"),function(r){known[r.id]=true;});
    ["picture","events"].forEach(function(id){var n=doc.getElementById(id),o=document.getElementById(id);if(n&&o){o.innerHTML=n.innerHTML;}});
    Array.prototype.forEach.call(document.querySelectorAll("#events tr[id]"),function(r){if(!known[r.id]){r.classList.add("new");}});
    [".meta",".steplist"].forEach(function(sel){var n=doc.querySelector(sel),o=document.querySelector(sel);if(n&&o){o.innerHTML=n.innerHTML;}});
    sc.scrollLeft=Math.max(left,sc.scrollWidth);window.ucssimTimeline.pin();window.ucssimTimeline.fit();
  }).catch(function(){}).then(function(){busy=false;if(again){again=false;redraw();}});
}
var es=new EventSource("events");
es.addEventListener("trace",function(ev){
  var e=JSON.parse(ev.data);
  document.body.setAttribute("data-last-seq",e.seq);
  if(state){state.textContent="live · "+e.offset+" "+e.text;}
  redraw();
});
es.addEventListener("clock",function(){redraw();});
es.addEventListener("step",function(){redraw();});
es.onopen=function(){document.body.setAttribute("data-connected","1");if(state){state.textContent="live";}};
es.onerror=function(){if(state){state.textContent="disconnected";}};
})();

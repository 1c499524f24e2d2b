(function(){
"use strict";
var details=document.getElementById("details");
function all(sel){return Array.prototype.slice.call(document.querySelectorAll(sel));}
function clear(){all(".sel").forEach(function(e){e.classList.remove("sel");});}
function has(el,attr,v){var a=el.getAttribute(attr);return a!==null&&(" "+a+" ").indexOf(" "+v+" ")>=0;}
function showText(text){if(details){details.textContent=text;}}
// a step: its row, its marker and every event it caused
function selectStep(n,scroll){
  clear();
  var li=document.getElementById("step-"+n);
  if(li){li.classList.add("sel");if(scroll){li.scrollIntoView({block:"nearest"});}}
  var first=null;
  all("[data-steps]").forEach(function(e){if(has(e,"data-steps",String(n))){e.classList.add("sel");if(!first&&e.closest("svg")){first=e;}}});
  if(first&&scroll!==false){var sc=document.getElementById("picture");var bb=first.getBoundingClientRect(),sb=sc.getBoundingClientRect();if(bb.left<sb.left+240||bb.right>sb.right){sc.scrollLeft+=bb.left-sb.left-sb.width/3;}}
  if(li){var t="Step "+(n+1)+"  "+li.querySelector(".off").textContent+"\n"+li.querySelector("code").textContent;
    Array.prototype.forEach.call(li.querySelectorAll("dt"),function(dt){t+="\n"+dt.textContent+": "+dt.nextElementSibling.textContent;});
    var note=li.querySelector(".note");if(note){t+="\nnote: "+note.textContent;}
    var caused=all("#events tr[data-steps]").filter(function(r){return has(r,"data-steps",String(n));});
    if(caused.length){t+="\n\nwhat happened during this step:";caused.forEach(function(r){var c=r.cells;t+="\n  "+c[0].textContent+"  "+c[3].textContent;});}
    showText(t);}
}
function selectMark(g){
  clear();g.classList.add("sel");
  var t=g.querySelector("title");var text=t?t.textContent:"";
  var steps=(g.getAttribute("data-steps")||"").split(" ").filter(Boolean);
  if(steps.length){var li=document.getElementById("step-"+steps[0]);if(li){li.classList.add("sel");li.scrollIntoView({block:"nearest"});text+="\n\nduring step "+(+steps[0]+1)+": "+li.querySelector("code").textContent;}}
  (g.getAttribute("data-seqs")||"").split(" ").filter(Boolean).forEach(function(s){var r=document.getElementById("ev-"+s);if(r){r.classList.add("sel");}});
  showText(text);
}
document.addEventListener("click",function(ev){
  var li=ev.target.closest("#steps li");if(li){selectStep(+li.getAttribute("data-step"),false);scrollToMark(li);return;}
  var a=ev.target.closest("a[data-step]");if(a){ev.preventDefault();selectStep(+a.getAttribute("data-step"),true);return;}
  var g=ev.target.closest("svg .mark, svg .span, svg .fault");if(g){selectMark(g);return;}
  var tr=ev.target.closest("#events tr[data-seqs]");if(tr){var s=tr.getAttribute("data-seqs");var m=all("svg [data-seqs]").filter(function(e){return has(e,"data-seqs",s);})[0];if(m){selectMark(m);tr.classList.add("sel");var sc=document.getElementById("picture");var bb=m.getBoundingClientRect(),sb=sc.getBoundingClientRect();sc.scrollLeft+=bb.left-sb.left-sb.width/3;sc.scrollIntoView({block:"nearest"});}}
});
function scrollToMark(li){var n=li.getAttribute("data-step");var m=all("svg .mark.step[data-steps]").filter(function(e){return has(e,"data-steps",n);})[0];if(!m){return;}var sc=document.getElementById("picture");var bb=m.getBoundingClientRect(),sb=sc.getBoundingClientRect();if(bb.left<sb.left+240||bb.right>sb.right){sc.scrollLeft+=bb.left-sb.left-sb.width/3;}}
document.addEventListener("keydown",function(ev){if(ev.key==="Enter"&&ev.target.matches&&ev.target.matches("svg .mark, svg .span, #steps li")){ev.target.dispatchEvent(new MouseEvent("click",{bubbles:true}));}});
// keep the lane labels in view while the picture scrolls sideways
function pin(){var sc=document.getElementById("picture");if(!sc){return;}var lab=sc.querySelector("svg .labels");if(lab){lab.setAttribute("transform","translate("+sc.scrollLeft+",0)");}}
document.addEventListener("scroll",function(ev){if(ev.target&&ev.target.id==="picture"){pin();}},true);
window.ucssimTimeline={selectStep:selectStep,selectMark:selectMark,pin:pin};
var f=document.querySelector(".failure a[data-step]");if(f&&location.hash===""){selectStep(+f.getAttribute("data-step"),true);}
var h=/[?&]step=(\d+)/.exec(location.search);if(h){selectStep(+h[1],false);}
})();
// a picture only a little wider than its column is scaled to fit (text stays readable); wider ones scroll
(function(){
  var sc=document.getElementById("picture");if(!sc){return;}
  function fit(){var svg=sc.querySelector("svg.timeline");if(!svg){return;}var w=+svg.getAttribute("width");
    var avail=sc.clientWidth;svg.style.width=(w>avail&&w/avail<=1.25)?"100%":"";svg.style.height=svg.style.width?"auto":"";}
  fit();window.addEventListener("resize",fit);
  window.ucssimTimeline.fit=fit;
})();

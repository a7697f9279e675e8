/* Tawasul's web chat on the association's own site: a floating button that opens the chat
   in a frame. Add one line to any page (the site's origin must be in TAWASUL_EMBED_ORIGINS):
     <script src="https://CHAT-HOST/embed.js" defer></script>
   Optional: data-side="right" (default "left", where RTL pages expect it). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__tawasulEmbed) return;
  window.__tawasulEmbed = true;
  var origin = new URL(script.src).origin;
  var texts = __TAWASUL_TEXTS__;
  var side = script.getAttribute("data-side") === "right" ? "right" : "left";
  var css = "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;";
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = texts.open;
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = css + "border:0;border-radius:24px;padding:12px 18px;font:inherit;" +
    "font-size:16px;background:#0f766e;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)";
  var frame = null;
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = origin + "/";
      frame.title = texts.open;
      frame.style.cssText = css + "bottom:80px;width:min(380px,calc(100vw - 40px));" +
        "height:min(600px,calc(100vh - 110px));border:0;border-radius:12px;" +
        "box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff";
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    var open = !frame.hidden;
    button.textContent = open ? texts.close : texts.open;
    button.setAttribute("aria-expanded", String(open));
  });
  document.body.appendChild(button);
})();

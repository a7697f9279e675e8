// Tawasul staff inbox. Pages work without it; it adds: new messages on a case page without
// a reload (asks /staff/api/cases/{id}/messages?after=ID every two seconds; the answer also
// moves WhatsApp's ticks on the replies already shown), a confirmation
// before closing a case, and Ctrl/⌘+Enter to send a reply. Text is inserted as text only.
(() => {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  const replyText = document.getElementById("reply-text");
  if (replyText) {
    replyText.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        replyText.form.requestSubmit();
      }
    });
  }

  const body = document.body;
  const caseId = body.dataset.caseId;
  const list = document.getElementById("transcript");
  if (!caseId || !list) return;

  let lastId = Number(body.dataset.lastId || "0");
  const every = Number(body.dataset.pollMs || "2000");
  const statusBadge = document.getElementById("case-status");
  const assignee = document.getElementById("case-assignee");

  function scrollToEnd() {
    list.scrollTop = list.scrollHeight;
  }

  function add(message) {
    if (list.querySelector('[data-id="' + message.id + '"]')) return;
    const item = document.createElement("li");
    item.className = "msg msg-" + message.direction + " author-" + message.author + " fresh";
    item.dataset.id = String(message.id);
    const who = document.createElement("span");
    who.className = "msg-who";
    who.textContent = message.author_label + " · " + message.time;
    const text = document.createElement("span");
    text.className = message.command ? "msg-text msg-command" : "msg-text";
    text.dir = "auto";
    text.textContent = message.text;
    item.append(who, text);
    list.appendChild(item);
    tick(message);
  }

  // WhatsApp's ticks on a reply: drawn, or moved on (sent → delivered → read).
  function tick(update) {
    if (!update.delivery) return;
    const item = list.querySelector('[data-id="' + update.id + '"]');
    if (!item) return;
    let mark = item.querySelector(".msg-delivery");
    if (!mark) {
      mark = document.createElement("span");
      item.appendChild(mark);
    }
    mark.className = "msg-delivery delivery-" + update.delivery;
    mark.title = update.delivery_label;
    mark.textContent = update.delivery_mark;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + update.delivery_label;
    mark.appendChild(hidden);
  }

  async function poll() {
    if (!document.hidden) {
      try {
        const response = await fetch(
          "/staff/api/cases/" + encodeURIComponent(caseId) + "/messages?after=" + lastId,
          { credentials: "same-origin", headers: { Accept: "application/json" } }
        );
        if (response.status === 401) {
          window.location.reload(); // the session ended: the page sends to sign-in
          return;
        }
        if (response.ok) {
          const data = await response.json();
          let added = false;
          for (const message of data.messages || []) {
            add(message);
            if (message.id > lastId) lastId = message.id;
            added = true;
          }
          for (const update of data.deliveries || []) tick(update);
          if (statusBadge && data.status_label) {
            statusBadge.textContent = data.status_label;
            statusBadge.className = "badge badge-" + data.status;
          }
          if (assignee && data.assignee_label) assignee.textContent = data.assignee_label;
          if (data.status === "closed") {
            // Closed elsewhere (Telegram, another tab, the beneficiary's /cancel).
            document.querySelectorAll("#reply-form, .actions").forEach((el) => {
              el.hidden = true;
            });
          }
          if (added) scrollToEnd();
          body.dataset.polled = String(lastId);
        }
      } catch (_) {
        // offline for a moment: the next round tries again
      }
    }
    window.setTimeout(poll, every);
  }

  scrollToEnd();
  window.setTimeout(poll, every);
})();

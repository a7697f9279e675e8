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

// The FAQ editor. Its pages work without it too; it adds: the answer's preview following
// the typing (POST /staff/api/faq/preview, the page's CSRF token in X-CSRF-Token; the
// latest keystroke wins), and the "how would the bot answer this?" box answered in place
// (POST /staff/api/faq/ask). Text is inserted as text only.
(() => {
  "use strict";

  const csrfField = document.querySelector('input[name="csrf"]');
  const csrf = csrfField ? csrfField.value : "";

  const answer = document.getElementById("answer");
  const preview = document.getElementById("preview");
  if (answer && preview && answer.dataset.previewUrl) {
    let timer = 0;
    let sent = 0;
    const refresh = async () => {
      const mine = ++sent;
      try {
        const response = await fetch(answer.dataset.previewUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRF-Token": csrf },
          body: new URLSearchParams({ answer: answer.value }),
        });
        if (!response.ok) return;
        const data = await response.json();
        if (mine === sent) preview.textContent = data.preview;
      } catch (error) {
        // Offline for a moment: the next keystroke asks again.
      }
    };
    answer.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 150);
    });
  }

  const box = document.getElementById("ask-box");
  const form = document.getElementById("ask-form");
  if (!box || !form) return;
  const none = document.getElementById("ask-none").innerHTML;

  function ltr(text, className) {
    const bdi = document.createElement("bdi");
    bdi.dir = "ltr";
    bdi.className = className;
    bdi.textContent = text;
    return bdi;
  }

  function show(data) {
    const decision = document.getElementById("ask-decision");
    decision.className = "badge decision-" + data.decision;
    decision.textContent = data.decision_label;
    document.getElementById("ask-score").textContent = data.score;
    const intent = document.getElementById("ask-intent");
    intent.replaceChildren();
    if (data.intent) {
      intent.append(data.label + " ", ltr(data.intent, "intent-id"));
    } else {
      intent.textContent = none;
    }
    const list = document.getElementById("ask-candidates");
    list.replaceChildren();
    data.candidates.forEach((c) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      label.className = "candidate-label";
      label.textContent = c.label;
      item.append(label, " ", ltr(c.intent, "intent-id"), " ", ltr(c.score, "score"));
      list.appendChild(item);
    });
    document.getElementById("ask-answer").textContent = data.answer || "";
    document.getElementById("ask-answer-box").hidden = !data.answer;
    document.getElementById("ask-result").hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    const question = form.elements.q.value.trim();
    event.preventDefault();
    if (!question) return;
    try {
      const response = await fetch(box.dataset.askUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": csrf },
        body: new URLSearchParams({ q: question }),
      });
      if (response.ok) show(await response.json());
    } catch (error) {
      form.submit(); // /staff/faq/ask answers too, with the page again
    }
  });
})();

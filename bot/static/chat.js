// Tawasul web chat page. Talks to /api/chat, /api/chat/upload and /api/chat/history
// (see bot/web.py).
// What staff write (and status changes) arrive without a reload: while it is idle and
// visible, the page keeps one long poll open for the messages after the last one it shows
// (the server answers as soon as there are some, or after WAIT_S), and asks again at once;
// after an error, or from a server that answers at once, it asks every POLL_MS instead.
// Every message is inserted with textContent, never as HTML: what anyone types stays text.
(() => {
  "use strict";

  const texts = JSON.parse(document.getElementById("tawasul-texts").textContent);
  const list = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  const sendButton = document.getElementById("send");
  const banner = document.getElementById("banner");
  const bannerText = document.getElementById("banner-text");
  const bannerRetry = document.getElementById("banner-retry");
  // Absent when the server keeps no uploads.
  const fileInput = document.getElementById("file");
  const attachButton = document.getElementById("attach");
  // The server takes uploads only with this header, which another site's form can't add.
  const UPLOAD_HEADER = "X-Tawasul-Upload";
  const FILE_MARK = "📎 ";

  // Sent once for a new visitor so the bot greets; not the visitor's own words, so not shown.
  const START_COMMAND = "/start";

  let busy = false;
  // The last message that failed on the way; retrying re-sends it with the same id so the
  // server processes it at most once.
  let pending = null;
  let typingTurn = null;
  // The id of the newest message the page shows, and a count of sends, so that a poll
  // answered after the visitor sent something is not drawn twice.
  let lastId = 0;
  let sends = 0;
  const POLL_MS = 2000;
  const WAIT_S = 20;
  // An empty answer sooner than this did not wait: the server holds no long polls.
  const WAITED_MS = 1000;

  function newId() {
    // crypto.randomUUID needs a secure context; getRandomValues works on plain http too.
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    if (attachButton) attachButton.disabled = value;
    document.body.dataset.state = value ? "busy" : "idle";
    list.setAttribute("aria-busy", value ? "true" : "false");
  }

  function scrollToEnd() {
    list.scrollTop = list.scrollHeight;
  }

  function disableChips() {
    list.querySelectorAll(".chip").forEach((chip) => {
      chip.disabled = true;
    });
  }

  function addTurn(direction, text, buttons, active) {
    const turn = document.createElement("div");
    turn.className = "turn " + (direction === "in" ? "me" : "bot");
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = (direction === "in" ? texts["web-from-me"] : texts["web-from-bot"]) + ": ";
    turn.appendChild(who);
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.dir = "auto";
    bubble.textContent = text;
    turn.appendChild(bubble);
    // Choices first; the ways back or out (back, cancel, the menu) in a last row of their own.
    const choices = (buttons || []).filter((button) => !button.nav);
    const navigation = (buttons || []).filter((button) => button.nav);
    for (const [row, extra] of [
      [choices, ""],
      [navigation, " nav"],
    ]) {
      if (!row.length) continue;
      const chips = document.createElement("div");
      chips.className = "chips" + extra;
      for (const button of row) {
        const chip = document.createElement("button");
        chip.type = "button";
        chip.className = "chip";
        chip.dir = "auto";
        chip.textContent = button.label;
        chip.disabled = !active;
        chip.addEventListener("click", () => press(button));
        chips.appendChild(chip);
      }
      turn.appendChild(chips);
    }
    list.insertBefore(turn, typingTurn);
    scrollToEnd();
    return turn;
  }

  function showTyping() {
    if (typingTurn) return;
    typingTurn = document.createElement("div");
    typingTurn.className = "turn bot typing";
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = texts["web-typing"];
    const dots = document.createElement("span");
    dots.className = "dots";
    dots.setAttribute("aria-hidden", "true");
    for (let i = 0; i < 3; i += 1) dots.appendChild(document.createElement("span"));
    bubble.appendChild(dots);
    typingTurn.appendChild(bubble);
    list.appendChild(typingTurn);
    scrollToEnd();
  }

  function hideTyping() {
    if (typingTurn) typingTurn.remove();
    typingTurn = null;
  }

  function showBanner(message, retryable) {
    bannerText.textContent = message;
    bannerRetry.hidden = !retryable;
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
  }

  function markFailed() {
    if (pending && pending.turn) pending.turn.classList.add("failed");
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (_) {
      return null;
    }
  }

  async function loadHistory() {
    let response;
    try {
      response = await fetch("/api/chat/history", { credentials: "same-origin" });
    } catch (_) {
      showBanner(texts["web-error-load"], false);
      return null;
    }
    const data = await readJson(response);
    if (!response.ok || !data || !Array.isArray(data.messages)) {
      showBanner((data && data.error) || texts["web-error-load"], false);
      return null;
    }
    hideTyping();
    list.replaceChildren();
    lastId = 0;
    drawMessages(data.messages);
    return data.messages;
  }

  // A message that brought files shows their names under its text (often empty).
  function shownText(message) {
    const files = Array.isArray(message.files) ? message.files : [];
    return [message.text, ...files.map((name) => FILE_MARK + name)].filter(Boolean).join("\n");
  }

  function drawMessages(messages) {
    for (const message of messages) {
      if (typeof message.id === "number" && message.id > lastId) lastId = message.id;
      if (message.direction === "in" && message.text === START_COMMAND) continue;
      const actions = Array.isArray(message.actions) ? message.actions : null;
      const nav = Array.isArray(message.nav) ? message.nav : [];
      const buttons =
        actions ||
        (message.buttons || []).map((label, n) => ({ label, payload: null, nav: Boolean(nav[n]) }));
      addTurn(message.direction, shownText(message), buttons, Boolean(actions));
    }
  }

  async function fetchNewer(wait) {
    const query = "?after=" + lastId + (wait ? "&wait=" + wait : "");
    try {
      const response = await fetch("/api/chat/history" + query, {
        credentials: "same-origin",
      });
      if (!response.ok) return null;
      const data = await readJson(response);
      return data && Array.isArray(data.messages) ? data : null;
    } catch (_) {
      return null; // a network blip: the next poll tries again
    }
  }

  // After a send: the replies shown came from the response; the transcript now holds them
  // with their ids. If it holds exactly them, remember the ids; otherwise (staff wrote in
  // between) redraw from the transcript so nothing is missing or doubled.
  async function syncAfterSend(replies) {
    const data = await fetchNewer();
    if (!data) return;
    const ins = data.messages.filter((m) => m.direction === "in");
    const outs = data.messages.filter((m) => m.direction === "out");
    const same =
      !data.reset &&
      ins.length <= 1 &&
      outs.length === replies.length &&
      outs.every((m, i) => m.text === replies[i].text);
    if (same) {
      for (const m of data.messages) if (m.id > lastId) lastId = m.id;
    } else {
      await loadHistory();
    }
  }

  async function poll() {
    let delay = POLL_MS;
    if (!busy && !document.hidden && lastId > 0) {
      const before = sends;
      const asked = Date.now();
      const data = await fetchNewer(WAIT_S);
      if (data) {
        const news = data.reset || data.messages.length > 0;
        if (news || Date.now() - asked >= WAITED_MS) delay = 0;
      }
      if (data && !busy && before === sends) {
        if (data.reset) {
          await loadHistory();
        } else if (data.messages.length) {
          if (data.messages.some((m) => Array.isArray(m.actions))) disableChips();
          drawMessages(data.messages);
        }
      }
    }
    window.setTimeout(poll, delay);
  }

  async function post(body, resync) {
    sends += 1;
    setBusy(true);
    hideBanner();
    showTyping();
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const data = await readJson(response);
      if (!response.ok || !data || !Array.isArray(data.replies)) {
        // A refusal (bad session, too long) will not change on retry; a server or network
        // hiccup may.
        const retryable = response.status >= 500 || response.status === 429 || !data;
        markFailed();
        if (!retryable) {
          // Give back what was typed (a message too long, say) so it can be fixed, not retyped.
          if (pending && pending.typed && !input.value) {
            input.value = pending.typed;
            autosize();
          }
          pending = null;
        }
        showBanner((data && data.error) || texts["web-error-send"], retryable);
        return;
      }
      const wasRetry = resync;
      if (pending && pending.turn) pending.turn.classList.remove("failed");
      pending = null;
      hideTyping();
      if (wasRetry) {
        // The first attempt may have reached the server and its replies been lost on the way
        // back (a retry with the same id then answers nothing): redraw from the transcript.
        await loadHistory();
      } else {
        for (const reply of data.replies) {
          addTurn("out", reply.text, reply.buttons || [], true);
        }
        await syncAfterSend(data.replies);
      }
    } catch (_) {
      markFailed();
      showBanner(texts["web-error-send"], true);
    } finally {
      hideTyping();
      setBusy(false);
    }
  }

  function send(body, shown, typed) {
    if (busy) return;
    disableChips();
    const turn = shown === null ? null : addTurn("in", shown, [], false);
    const message = { ...body, id: newId() };
    pending = { body: message, turn, typed: typed || null };
    post(message, false);
  }

  function press(button) {
    if (busy) return;
    // Without a known payload the label goes as text, which the engine reads as the button.
    const body = button.payload ? { payload: button.payload } : { text: button.label };
    send(body, button.label);
  }

  // A refusal shown in the conversation, where the visitor is looking; not in the transcript.
  function addNotice(text) {
    hideTyping();
    addTurn("out", text, [], false).classList.add("notice");
  }

  function uploadRefused(turn, data) {
    turn.classList.add("failed");
    addNotice((data && data.error) || texts["web-upload-failed"]);
  }

  async function upload(file) {
    if (busy) return;
    const limit = Number(fileInput.dataset.maxBytes);
    if (limit && file.size > limit) {
      addNotice(texts["web-upload-too-big"]);
      return;
    }
    const turn = addTurn("in", FILE_MARK + file.name, [], false);
    const body = new FormData();
    body.append("id", newId());
    body.append("file", file, file.name);
    sends += 1;
    setBusy(true);
    hideBanner();
    showTyping();
    try {
      const response = await fetch("/api/chat/upload", {
        method: "POST",
        credentials: "same-origin",
        headers: { [UPLOAD_HEADER]: "1" },
        body,
      });
      const data = await readJson(response);
      if (!response.ok || !data || !Array.isArray(data.replies)) {
        uploadRefused(turn, data);
        return;
      }
      // The earlier buttons stay usable after a refusal (the form's «done», say).
      disableChips();
      hideTyping();
      for (const reply of data.replies) addTurn("out", reply.text, reply.buttons || [], true);
      await syncAfterSend(data.replies);
    } catch (_) {
      uploadRefused(turn, null);
    } finally {
      hideTyping();
      setBusy(false);
    }
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 140) + "px";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (busy || !text.trim()) return;
    input.value = "";
    autosize();
    send({ text }, text, text);
    input.focus();
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);

  if (fileInput && attachButton) {
    attachButton.addEventListener("click", () => fileInput.click());
    fileInput.addEventListener("change", () => {
      const file = fileInput.files && fileInput.files[0];
      fileInput.value = ""; // choosing the same file again still fires
      if (file) upload(file);
    });
  }

  bannerRetry.addEventListener("click", () => {
    if (busy || !pending) return;
    post(pending.body, true);
  });

  async function start() {
    setBusy(true);
    const messages = await loadHistory();
    setBusy(false);
    if (messages && messages.length === 0) {
      // A new visitor: /start makes the bot greet, as on Telegram.
      send({ text: START_COMMAND }, null);
    }
  }

  start().then(() => window.setTimeout(poll, POLL_MS));
})();

// The playground page, part 5 of 5: the state from the server, live updates, and the
// page's own controls (tabs, language, pay this order, new customer, reset).
"use strict";

// ------------------------------------------------------------------ state and live updates

function setLanguage(value) {
  language = value;
  document.querySelectorAll(".lang button").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.lang === value));
  });
}

async function load() {
  clearTimeout(retryTimer);
  if (source) { source.close(); source = null; }
  let state;
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    state = await response.json();
  } catch (_err) {
    setStatus("connecting", "mất kết nối · offline…");
    retryTimer = setTimeout(load, 1000);
    return;
  }
  if (!state.ready) {
    setStatus("connecting", "đang khởi động · starting…");
    retryTimer = setTimeout(load, 500);
    return;
  }
  generation = state.generation;
  seq = state.seq;
  setLanguage(state.language);
  for (const role of ROLES) {
    const pane = new Pane(role);
    panes[role] = pane;
    const info = state.chats[role];
    for (const event of info.events) pane.apply(event, false);
    pane.setInfo(info, state.bot);
    pane.scrollDown();
  }
  panes.zalo = new ZaloPane();
  panes.zalo.render(state.zalo, false);
  panes.messenger = new MessengerPane();
  panes.messenger.render(state.messenger, false);
  document.body.dataset.ready = "true";
  document.body.dataset.generation = String(generation);
  connect(state.bot);
}

function connect(bot) {
  source = new EventSource(`/api/events?generation=${generation}&after=${seq}`);
  source.onopen = () => setStatus("live", "trực tuyến · live");
  source.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type === "reload") {
      load();
      return;
    }
    for (const event of data.events) {
      const pane = panes[event.role];
      if (pane) pane.apply(event, true);
    }
    seq = data.seq;
    for (const role of ROLES) panes[role].setInfo(data.chats[role], bot);
    if (data.zalo && panes.zalo) panes.zalo.render(data.zalo, true);
    if (data.messenger && panes.messenger) panes.messenger.render(data.messenger, true);
  };
  source.onerror = () => {
    // The server went away (restart, reset): reconnect and take the whole state again.
    source.close();
    source = null;
    setStatus("connecting", "đang kết nối lại · reconnecting…");
    retryTimer = setTimeout(load, 1000);
  };
}

function selectTab(role) {
  activeTab = role;
  if (panes[role]) {
    panes[role].clearUnread();
    panes[role].scrollDown();
  }
  document.querySelectorAll(".tabs button").forEach((button) => {
    button.setAttribute("aria-selected", String(button.dataset.tab === role));
  });
  document.querySelectorAll(".pane").forEach((pane) => {
    pane.classList.toggle("active", pane.dataset.role === role);
  });
}

async function control(path, body, busyText) {
  setStatus("connecting", busyText);
  try {
    await post(path, body);
  } catch (err) {
    if (panes.customer) panes.customer.showToast(`⚠️ ${err.message}`);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".tabs button").forEach((button) => {
    button.addEventListener("click", () => selectTab(button.dataset.tab));
  });
  document.querySelectorAll(".lang button").forEach((button) => {
    button.addEventListener("click", () => {
      if (button.dataset.lang === language) return;
      control("/api/customer", { language: button.dataset.lang }, "khách mới · new customer…");
    });
  });
  document.querySelector(".pay-order").addEventListener("click", () => {
    control("/api/pay", {}, "đang chuyển khoản · paying…");
  });
  document.querySelector(".new-customer").addEventListener("click", () => {
    control("/api/customer", { language }, "khách mới · new customer…");
  });
  document.querySelector(".new-person").addEventListener("click", () => {
    if (panes.messenger) panes.messenger.act("person", {});
  });
  const reset = document.getElementById("reset");
  reset.addEventListener("click", async () => {
    reset.disabled = true;
    await control("/api/reset", {}, "đang đặt lại · resetting…");
    reset.disabled = false;
  });
  load();
});

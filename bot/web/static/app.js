// PortraitBot web chat: no build step, no framework. Talks to /api/* on the same server.
"use strict";
const $ = (id) => document.getElementById(id);
const browserLang = (navigator.language || "en").slice(0, 2) === "zh" ? "zh" : "en";
const state = { lang: localStorage.getItem("pb_lang") || browserLang,
                strings: {}, cursor: "0-0", acks: {}, polling: null,
                mine: new Set(), seen: new Set(), pollBusy: false, pollAgain: false };

const t = (id, params) => {
  let text = state.strings[id] || id;
  for (const [k, v] of Object.entries(params || {})) text = text.replaceAll("{" + k + "}", v);
  return text;
};

const LANGUAGE_NAMES = { en: "English", zh: "中文" };

async function loadStrings() {
  const r = await fetch("/api/strings?lang=" + state.lang);
  state.strings = (await r.json()).strings;
  document.documentElement.lang = { zh: "zh-CN", zh_Hant: "zh-TW" }[state.lang] || state.lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((el) => { el.placeholder = t(el.dataset.tp); });
  document.querySelectorAll("[data-ta]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.ta)); });
  const other = state.lang === "en" ? "zh" : "en";
  $("lang-label").textContent = LANGUAGE_NAMES[other];
  $("lang-label").lang = other === "zh" ? "zh-CN" : "en";
  $("lang-button").setAttribute("aria-label", t("web.switch_language", { language: LANGUAGE_NAMES[other] }));
  $("title").textContent = t("web.title");
  document.title = t("web.title");
  fitPlaceholder();
}

const narrow = window.matchMedia("(max-width: 480px)");
function fitPlaceholder() {
  // A phone's text field is too narrow for the long hint: it gets the short one.
  $("text").placeholder = t(narrow.matches ? "web.placeholder_short" : "web.placeholder");
}
narrow.addEventListener("change", fitPlaceholder);

function bubble(who, text, extra) {
  const div = document.createElement("div");
  div.className = "msg " + who + (extra && extra.error ? " error" : "");
  if (text) div.appendChild(document.createTextNode(text));
  $("chat").appendChild(div);
  reveal();
  return div;
}

function reveal() {
  // Called again once buttons and pictures are in, so what is under a reply is in view.
  const chat = $("chat");
  chat.scrollTop = chat.scrollHeight;
}

function addButtons(div, rows) {
  if (!rows || !rows.length) return;
  const box = document.createElement("div");
  box.className = "buttons";
  rows.flat().forEach((b) => {
    const btn = document.createElement("button");
    btn.type = "button"; btn.textContent = b.label;
    btn.addEventListener("click", () => { bubble("me", b.label); send({ callback: b.data, label: b.label }); });
    box.appendChild(btn);
  });
  div.appendChild(box);
  reveal();
}

function showReply(r, failed) {
  const div = bubble("bot", r.text, { error: failed });
  if (r.generation_id) {
    const p = document.createElement("div");
    p.className = "progress"; div.appendChild(p);
    state.acks[r.generation_id] = { el: p, done: false };
  }
  addButtons(div, r.buttons);
}

function showAck(id, status) {
  const ack = state.acks[id];
  if (!ack || ack.done) return;
  ack.el.textContent = status.text;
  ack.done = !!status.done;
  ack.el.dataset.state = status.state || "";
}

const newClientId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2));

async function send(fields, album) {
  const form = new FormData();
  const clientId = newClientId();
  state.mine.add(clientId);  // this page draws its own side and the replies: the feed's copies are for a reload
  form.append("lang", state.lang);
  form.append("client_id", clientId);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) form.append(k, v);
  try {
    // Files picked together share an album id: the server answers them once, as one set.
    const url = album ? "/api/message?album=" + encodeURIComponent(album) : "/api/message";
    const r = await fetch(url, { method: "POST", body: form });
    const data = await r.json();
    for (const reply of data.replies || []) showReply(reply, !r.ok);
    if (data.lang && data.lang !== state.lang) await setLanguage(data.lang);
  } catch (e) {
    bubble("bot", t("web.network_error"), { error: true });
  }
  poll();
}

function showMine(ev) {
  const div = bubble("me", "");
  if (ev.photo) {
    const img = document.createElement("img"); img.className = "thumb"; img.alt = t("web.you_sent_photo");
    img.src = "/media/" + encodeURIComponent(ev.photo); img.addEventListener("load", reveal); div.appendChild(img);
  }
  if (ev.text) div.appendChild(document.createTextNode((ev.photo ? "\n" : "") + ev.text));
}

function showImages(ev) {
  const div = bubble("bot", ev.caption);
  const grid = document.createElement("div"); grid.className = "results";
  // A series (several styles) names each picture by its style, under it and in its alt text.
  const series = new Set(ev.files.map((f) => f.label || "")).size > 1;
  ev.files.forEach((f, n) => {
    const fig = document.createElement("figure");
    const url = "/media/" + encodeURIComponent(f.name);
    const img = document.createElement("img"); img.src = url; img.className = "result";
    img.alt = (series && f.label ? f.label : (ev.caption || "").split("\n")[0]) + (ev.files.length > 1 ? " " + (n + 1) : "");
    img.addEventListener("load", reveal);
    // A tap (or Enter) enlarges the picture.
    const zoom = document.createElement("button"); zoom.type = "button"; zoom.className = "enlarge";
    zoom.setAttribute("aria-label", t("web.enlarge", { picture: img.alt }));
    zoom.addEventListener("click", () => openViewer(url, img.alt));
    zoom.appendChild(img);
    const a = document.createElement("a"); a.href = url; a.download = f.download || f.name; a.className = "dl"; a.textContent = t("web.download");
    fig.appendChild(zoom);
    if (series && f.label) {
      const label = document.createElement("figcaption"); label.className = "label"; label.textContent = f.label; fig.appendChild(label);
    }
    fig.appendChild(a);
    if (f.ref) fig.appendChild(refineButtons(f.ref, img.alt));
    grid.appendChild(fig);
  });
  div.appendChild(grid);
  addButtons(div, ev.buttons);
  reveal();
}

function refineButtons(ref, picture) {
  // More like this, a vertical version, or another style, of this one picture.
  const box = document.createElement("div"); box.className = "refine";
  box.setAttribute("role", "group"); box.setAttribute("aria-label", picture);
  const add = (id, act) => {
    const b = document.createElement("button"); b.type = "button"; b.textContent = t(id); b.dataset.refine = id.slice(4);
    b.addEventListener("click", act); box.appendChild(b);
  };
  const press = (data, label) => { bubble("me", label); send({ callback: data, label }); };
  add("web.more_like_this", () => press("more:" + ref, t("web.more_like_this")));
  add("web.vertical_version", () => press("tall:" + ref, t("web.vertical_version")));
  add("web.another_style", () => openGallery(ref));
  return box;
}

function showEvent(ev) {
  if (state.seen.has(ev.id)) return;
  state.seen.add(ev.id);
  if (ev.client_id && state.mine.has(ev.client_id)) return;
  if (ev.type === "me") showMine(ev);
  else if (ev.type === "reply") showReply(ev, false);
  else if (ev.type === "progress") {
    // Only ever into its acknowledgement: a progress line with no bubble of its own.
    const ack = ev.ack && state.acks[ev.ack];
    if (ack && !ack.done) ack.el.textContent = ev.text;
  } else if (ev.type === "text") addButtons(bubble("bot", ev.text), ev.buttons);
  else if (ev.type === "images") showImages(ev);
}

async function poll() {
  clearTimeout(state.polling);
  if (state.pollBusy) { state.pollAgain = true; return; }
  state.pollBusy = true;
  let more = false;
  try {
    const watched = Object.keys(state.acks).filter((id) => !state.acks[id].done).slice(-20);
    const r = await fetch("/api/events?after=" + encodeURIComponent(state.cursor) + "&lang=" + state.lang +
                          "&acks=" + encodeURIComponent(watched.join(",")));
    const data = await r.json();
    for (const ev of data.events) showEvent(ev);
    for (const [id, status] of Object.entries(data.acks || {})) showAck(id, status);
    state.cursor = data.cursor;
    more = !!data.more;
  } catch (e) { /* the next poll tries again */ }
  state.pollBusy = false;
  const again = more || state.pollAgain;
  state.pollAgain = false;
  state.polling = setTimeout(poll, again ? 0 : 1500);
}

const MAX_PHOTOS = 5;  // a reference set holds five faces at most

function sendPhotos(list) {
  // One photo, or several picked together: those go side by side with one album id and get one answer.
  const files = [...(list || [])].slice(0, MAX_PHOTOS);
  if (!files.length) return;
  const album = files.length > 1 ? newClientId() : undefined;
  const text = $("text").value.trim(); $("text").value = "";
  files.forEach((file, n) => {
    const div = bubble("me", "");
    const img = document.createElement("img"); img.className = "thumb"; img.alt = t("web.you_sent_photo");
    img.src = URL.createObjectURL(file); div.appendChild(img);
    if (text && n === 0) div.appendChild(document.createTextNode("\n" + text));
    send({ photo: file, text: n === 0 ? text : undefined }, album);
  });
}

async function openGallery(restyle) {
  // With a picture's ref: the chosen style is made from that picture, not from the selfie.
  state.restyle = typeof restyle === "string" ? restyle : null;
  state.galleryOpener = document.activeElement;
  $("gallery-title").textContent = t(state.restyle ? "web.restyle_title" : "web.styles");
  const r = await fetch("/api/styles?lang=" + state.lang);
  const data = await r.json();
  const body = $("gallery-body"); body.textContent = "";
  for (const c of data.categories) {
    const sec = document.createElement("div"); sec.className = "category";
    const h = document.createElement("h3"); h.textContent = c.name; sec.appendChild(h);
    const tiles = document.createElement("div"); tiles.className = "tiles";
    for (const s of c.styles) {
      const b = document.createElement("button"); b.type = "button"; b.className = "tile"; b.dataset.style = s.key;
      b.dataset.search = (s.key + " " + s.name + " " + s.best_for + " " + c.name).toLowerCase();
      // The style's look on a neutral face; the tile's words name it, so the picture is decorative.
      const pic = document.createElement("img"); pic.className = "sample"; pic.alt = ""; pic.loading = "lazy";
      pic.width = 240; pic.height = 320; pic.src = "/samples/" + encodeURIComponent(s.key) + ".jpg";
      b.appendChild(pic);
      b.appendChild(document.createTextNode((s.emoji ? s.emoji + " " : "") + s.name));
      const small = document.createElement("small"); small.textContent = s.best_for; b.appendChild(small);
      b.addEventListener("click", () => {
        const data = state.restyle ? "restyle:" + state.restyle + "." + s.key : "style:" + s.key;
        closeGallery(false); bubble("me", s.name); send({ callback: data, label: s.name });
      });
      tiles.appendChild(b);
    }
    sec.appendChild(tiles); body.appendChild(sec);
  }
  $("gallery-search").value = "";
  $("gallery").hidden = false;
  $("gallery-search").focus();
}

function closeGallery(restoreFocus) {
  if ($("gallery").hidden) return;
  $("gallery").hidden = true;
  const back = restoreFocus && state.galleryOpener && document.contains(state.galleryOpener) ? state.galleryOpener : $("text");
  back.focus();
}

function filterGallery() {
  const words = $("gallery-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  document.querySelectorAll("#gallery .category").forEach((sec) => {
    let shown = 0;
    sec.querySelectorAll(".tile").forEach((tile) => {
      const match = words.every((w) => tile.dataset.search.includes(w));
      tile.hidden = !match; shown += match;
    });
    sec.hidden = !shown;
  });
}

function trapFocus(e) {
  // Tab and Shift+Tab stay inside the open gallery (a modal dialog); Escape closes it.
  if (e.key === "Escape") { e.preventDefault(); closeGallery(true); return; }
  if (e.key !== "Tab") return;
  const items = [...$("gallery").querySelectorAll("button, input")].filter((el) => !el.hidden && el.offsetParent !== null);
  if (!items.length) return;
  const first = items[0], last = items[items.length - 1];
  if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
}

function openViewer(url, caption) {
  state.viewerOpener = document.activeElement;
  $("viewer-img").src = url; $("viewer-img").alt = caption;
  $("viewer-caption").textContent = caption;
  $("viewer").hidden = false;
  $("viewer-close").focus();
}

function closeViewer() {
  if ($("viewer").hidden) return;
  $("viewer").hidden = true;
  if (state.viewerOpener && document.contains(state.viewerOpener)) state.viewerOpener.focus();
}

$("viewer-close").addEventListener("click", closeViewer);
$("viewer").addEventListener("click", (e) => { if (e.target === $("viewer") || e.target === $("viewer-img")) closeViewer(); });
$("viewer").addEventListener("keydown", (e) => {
  // One control inside: Tab stays on it; Escape closes.
  if (e.key === "Escape") { e.preventDefault(); closeViewer(); }
  else if (e.key === "Tab") { e.preventDefault(); $("viewer-close").focus(); }
});

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  bubble("me", text);
  send({ text });
});
$("upload-button").addEventListener("click", () => $("photo").click());
$("photo").addEventListener("change", (e) => { sendPhotos(e.target.files); e.target.value = ""; $("text").focus(); });
$("styles-button").addEventListener("click", () => openGallery(null));
$("gallery-close").addEventListener("click", () => closeGallery(true));
$("gallery-search").addEventListener("input", filterGallery);
$("gallery").addEventListener("keydown", trapFocus);
async function setLanguage(lang) {
  state.lang = lang; localStorage.setItem("pb_lang", lang); await loadStrings();
}
$("lang-button").addEventListener("click", async () => {
  // The switch sets the person's reply language too (as /lang does), and says so in the chat.
  await setLanguage(state.lang === "en" ? "zh" : "en");
  send({ callback: "lang:" + state.lang });
});
window.addEventListener("dragover", (e) => { e.preventDefault(); $("drop").hidden = false; });
window.addEventListener("dragleave", (e) => { if (e.target === $("drop")) $("drop").hidden = true; });
window.addEventListener("drop", (e) => { e.preventDefault(); $("drop").hidden = true; sendPhotos(e.dataTransfer.files); });

loadStrings().then(() => { bubble("bot", t("web.greeting")); poll(); });

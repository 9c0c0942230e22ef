// A Hikaku worker: answers a pulled model's prompts from an OpenAI-compatible server on this machine.
// HIKAKU_URL=https://hikaku.example HIKAKU_WORKER_TOKEN=hkw_… MODEL_URL=http://127.0.0.1:8000/v1 MODEL=my-model node hikaku-worker.mjs
const { HIKAKU_URL, HIKAKU_WORKER_TOKEN, MODEL_URL, MODEL } = process.env;
const post = (path, body = {}) =>
  fetch(`${HIKAKU_URL}/api/v1/worker/${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${HIKAKU_WORKER_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (;;) {
  const next = await post("next").catch(() => null); // a long poll: waits up to 25 s for a prompt
  if (!next || next.status >= 500) await pause(5000);
  if (!next || next.status !== 200) continue;
  const { job } = await next.json();
  try {
    const body = JSON.stringify({ ...job.params, model: MODEL, messages: job.messages, stream: true });
    const model = await fetch(`${MODEL_URL}/chat/completions`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    if (!model.ok) throw new Error(`the model server answered HTTP ${model.status}`);
    let text = "";
    let buffer = "";
    const decoder = new TextDecoder();
    for await (const bytes of model.body) {
      buffer += decoder.decode(bytes, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop();
      for (const line of lines) {
        if (!line.startsWith("data: ") || line.trim() === "data: [DONE]") continue;
        const delta = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
        if (!delta) continue;
        text += delta;
        // Each chunk shows in the annotator's pane and renews the lease; 409: the battle ended.
        if ((await post(`jobs/${job.id}/chunks`, { delta })).status === 409) throw new Error("the battle ended");
      }
    }
    await post(`jobs/${job.id}/answer`, { content: text });
  } catch (error) {
    await post(`jobs/${job.id}/answer`, { error: String(error) });
  }
}

import { parentPort, workerData } from "node:worker_threads";
import { bootstrapThetas, type BootstrapInput } from "./bootstrap";

const thetas = bootstrapThetas(workerData as BootstrapInput);
parentPort!.postMessage(thetas, [thetas.buffer as ArrayBuffer]);

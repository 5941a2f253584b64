/** Entry of the meter UI: mounts the app (components/App.svelte) on #app. */
import { mount } from "svelte";
import App from "./components/App.svelte";
import "./app.css";

const target = document.getElementById("app");
if (target === null) throw new Error("index.html has no #app element");
mount(App, { target });

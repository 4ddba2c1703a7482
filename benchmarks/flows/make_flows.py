"""Regenerate the benchmark flows from a two-assistant Waldiez flow.

Usage: python make_flows.py BASE.waldiez   (e.g. shared/flows/valid.waldiez)

Writes, next to this script:
  chatty.waldiez  two assistants with canned default auto replies, no model, no human
                  input, maxTurns CHATTY_TURNS (default 300): emits many output entries fast
  hello.waldiez   the same with maxTurns 2: the shortest offline flow (time to first output)
  hello_matplotlib.waldiez
                  hello.waldiez requiring matplotlib, which the runner's environment lacks: its first
                  run on a server builds the flow's environment, later ones find it cached
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def make(base, name, turns, first_msg, reply_a, reply_b):
    flow = copy.deepcopy(base)
    flow["name"] = name
    flow["description"] = f"Benchmark flow: {turns} turns of canned replies, no LLM, no input"
    assistants = flow["data"]["agents"]["assistantAgents"]
    assistants[0]["data"]["agentDefaultAutoReply"] = reply_a
    assistants[1]["data"]["agentDefaultAutoReply"] = reply_b
    for a in assistants:
        a["data"]["humanInputMode"] = "NEVER"
        a["data"]["modelIds"] = []
        a["data"]["maxConsecutiveAutoReply"] = turns + 10  # ag2 stops at 100 otherwise
    chat = flow["data"]["chats"][0]["data"]
    chat["maxTurns"] = turns
    chat["message"]["content"] = first_msg
    return flow


def main():
    base_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "..", "..", "..", "shared", "flows", "valid.waldiez")
    with open(base_path, encoding="utf-8") as f:
        base = json.load(f)
    turns = int(os.environ.get("CHATTY_TURNS", "300"))
    out = {
        "chatty.waldiez": make(base, "Chatty benchmark flow", turns, "Ping 0",
                               "ping from Assistant", "pong from Assistant2"),
        "hello.waldiez": make(base, "Hello benchmark flow", 2, "Hi there!",
                              "hi from Assistant", "hello from Assistant2"),
    }
    plotting = copy.deepcopy(out["hello.waldiez"])
    plotting["name"] = "Hello benchmark flow needing matplotlib"
    plotting["requirements"] = ["matplotlib"]
    out["hello_matplotlib.waldiez"] = plotting
    for fname, flow in out.items():
        with open(os.path.join(HERE, fname), "w", encoding="utf-8") as f:
            json.dump(flow, f, indent=2)
            f.write("\n")
        print("wrote", fname)


if __name__ == "__main__":
    main()

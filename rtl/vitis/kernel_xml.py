#!/usr/bin/env python3
"""kernel.xml of the esp_engine_kernel RTL kernel, and its checks.

  kernel_xml.py --write            regenerate rtl/vitis/kernel.xml from the contract
  kernel_xml.py --check PORTS.xml  fail unless kernel.xml is what --write makes, and its
                                   interfaces match the wrapper's ports (PORTS.xml: the
                                   output of verilator --xml-only for esp_engine_kernel)

kernel.xml declares the control port (user-managed, the contract's register map in a
4 KiB window), the two streams, and one 32-bit argument per contract register at its
offset (arrays as NAME_0..NAME_n-1), so xclbinutil --info shows the register map.
"""
import argparse
import json
import math
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONTRACT = ROOT / "docs" / "contract" / "esp_contract.json"
KERNEL_XML = HERE / "kernel.xml"

KERNEL = "esp_engine_kernel"
CONTROL = "s_axi_control"
CONTROL_RANGE = 0x1000
DATA_BITS = 128
# (name, kernel.xml mode, AXI4-Stream role of the kernel)
STREAMS = [("s_axis", "read_only"), ("m_axis", "write_only")]


def contract_registers(contract):
    """(name, offset) of every 32-bit register of the contract, arrays expanded."""
    regs = []
    for r in contract["registers"]:
        base = int(r["offset"], 16)
        count = r.get("count", 1)
        for i in range(count):
            regs.append((f"{r['name']}_{i}" if count > 1 else r["name"], base + 4 * i))
    return sorted(regs, key=lambda r: r[1])


def sideband_bits(fields):
    return max(f["lsb"] + f["width"] for f in fields)


def generate(contract):
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!-- Generated from docs/contract/esp_contract.json by rtl/vitis/kernel_xml.py (write mode); do not edit. -->",
        '<root versionMajor="1" versionMinor="6">',
        f'  <kernel name="{KERNEL}" language="ip_c" vlnv="esp-offload.org:kernel:{KERNEL}:1.0" attributes="" '
        'preferredWorkGroupSizeMultiple="0" workGroupSize="1" interrupt="true" hwControlProtocol="user_managed">',
        "    <ports>",
        f'      <port name="{CONTROL}" mode="slave" range="{CONTROL_RANGE:#x}" dataWidth="32" portType="addressable" base="0x0"/>',
    ]
    for name, mode in STREAMS:
        lines.append(f'      <port name="{name}" mode="{mode}" dataWidth="{DATA_BITS}" portType="stream"/>')
    lines.append("    </ports>")
    lines.append("    <args>")
    arg_id = 0
    user_bits = {"s_axis": sideband_bits(contract["sideband"]["in"]), "m_axis": sideband_bits(contract["sideband"]["out"])}
    for name, _ in STREAMS:
        ctype = f"stream&lt;ap_axiu&lt;{DATA_BITS},{user_bits[name]},0,0&gt;&gt;&amp;"
        lines.append(f'      <arg name="{name}" addressQualifier="4" id="{arg_id}" port="{name}" size="0x0" '
                     f'offset="0x0" hostOffset="0x0" hostSize="0x0" type="{ctype}"/>')
        arg_id += 1
    for name, offset in contract_registers(contract):
        lines.append(f'      <arg name="{name}" addressQualifier="0" id="{arg_id}" port="{CONTROL}" size="0x4" '
                     f'offset="{offset:#05x}" hostOffset="0x0" hostSize="0x4" type="uint"/>')
        arg_id += 1
    lines += ["    </args>", "  </kernel>", "</root>", ""]
    return "\n".join(lines)


def wrapper_ports(verilator_xml):
    """{port: (direction, width)} of the top module in verilator --xml-only output."""
    tree = ET.parse(verilator_xml)
    widths = {}
    for t in tree.iter("basicdtype"):
        left, right = t.get("left"), t.get("right")
        widths[t.get("id")] = abs(int(left) - int(right)) + 1 if left is not None else 1
    top = next(m for m in tree.iter("module") if m.get("topModule") == "1")
    return {v.get("name"): (v.get("dir"), widths[v.get("dtype_id")]) for v in top.iter("var") if v.get("dir")}


def expected_ports(kernel, contract):
    """The wrapper ports kernel.xml's interfaces imply: {port: (direction, width)}."""
    want = {"ap_clk": ("input", 1), "ap_rst_n": ("input", 1)}
    if kernel.get("interrupt") == "true":
        want["interrupt"] = ("output", 1)
    for port in kernel.iter("port"):
        name, width = port.get("name"), int(port.get("dataWidth"))
        if port.get("mode") == "slave":
            addr = int(math.log2(int(port.get("range"), 16)))
            for sig, d, w in [("awaddr", "input", addr), ("awvalid", "input", 1), ("awready", "output", 1),
                              ("wdata", "input", width), ("wstrb", "input", width // 8), ("wvalid", "input", 1),
                              ("wready", "output", 1), ("bresp", "output", 2), ("bvalid", "output", 1),
                              ("bready", "input", 1), ("araddr", "input", addr), ("arvalid", "input", 1),
                              ("arready", "output", 1), ("rdata", "output", width), ("rresp", "output", 2),
                              ("rvalid", "output", 1), ("rready", "input", 1)]:
                want[f"{name}_{sig}"] = (d, w)
        elif port.get("portType") == "stream":
            into = port.get("mode") == "read_only"
            fwd, back = ("input", "output") if into else ("output", "input")
            user = sideband_bits(contract["sideband"]["in" if into else "out"])
            for sig, d, w in [("tdata", fwd, width), ("tkeep", fwd, width // 8), ("tlast", fwd, 1),
                              ("tuser", fwd, user), ("tvalid", fwd, 1), ("tready", back, 1)]:
                want[f"{name}_{sig}"] = (d, w)
    return want


def check(contract, verilator_xml):
    errors = []
    text = KERNEL_XML.read_text()
    if text != generate(contract):
        errors.append(f"{KERNEL_XML} is stale: run python3 rtl/vitis/kernel_xml.py --write")
    try:
        kernel = ET.fromstring(text).find("kernel")
    except ET.ParseError as e:
        return errors + [f"{KERNEL_XML}: not well-formed XML: {e}"]
    if kernel is None or kernel.get("name") != KERNEL or kernel.get("hwControlProtocol") != "user_managed":
        errors.append(f"kernel.xml: expected a user-managed kernel named {KERNEL}")
        return errors
    have = wrapper_ports(verilator_xml)
    want = expected_ports(kernel, contract)
    for name in sorted(set(want) | set(have)):
        if name not in have:
            errors.append(f"kernel.xml implies port {name} {want[name]}, the wrapper has none")
        elif name not in want:
            errors.append(f"wrapper port {name} {have[name]} belongs to no kernel.xml interface")
        elif have[name] != want[name]:
            errors.append(f"port {name}: wrapper {have[name]}, kernel.xml implies {want[name]}")
    control = next(p for p in kernel.iter("port") if p.get("name") == CONTROL)
    span = int(control.get("range"), 16)
    for arg in kernel.iter("arg"):
        if arg.get("port") == CONTROL and int(arg.get("offset"), 16) + int(arg.get("size"), 16) > span:
            errors.append(f"arg {arg.get('name')} lies outside the {span:#x}-byte control window")
    args = {a.get("name"): int(a.get("offset"), 16) for a in kernel.iter("arg") if a.get("port") == CONTROL}
    for name, offset in contract_registers(contract):
        if args.get(name) != offset:
            got = "none" if args.get(name) is None else f"{args[name]:#x}"
            errors.append(f"register {name}: contract offset {offset:#x}, kernel.xml {got}")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true")
    g.add_argument("--check", metavar="PORTS.xml")
    a = ap.parse_args()
    contract = json.loads(CONTRACT.read_text())
    if a.write:
        KERNEL_XML.write_text(generate(contract))
        return 0
    errors = check(contract, a.check)
    for e in errors:
        print(f"FAIL: {e}")
    if not errors:
        n = sum(1 for _ in contract_registers(contract))
        print(f"kernel.xml: {KERNEL}, {CONTROL} + {len(STREAMS)} streams match the wrapper's ports; "
              f"{n} register args at the contract's offsets")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

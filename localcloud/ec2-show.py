#!/usr/bin/env python3
"""Prints what the local cloud holds, for the demo and by hand: our images,
the instances (with where each is reachable: a URL per port its security
groups open to this machine), key pairs and security groups (with the
instances in each). Reads AWS_ENDPOINT_URL and AWS_REGION from the
environment (source DIR/cloud.env first).

Usage: ec2-show.py [images|instances|keypairs|groups|regions|state INSTANCE_ID]...
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

NS = "{http://ec2.amazonaws.com/doc/2016-11-15/}"


def call(action, **params):
    region = os.environ.get("AWS_REGION", "us-east-1")
    body = urllib.parse.urlencode({"Action": action, "Version": "2016-11-15", **params}).encode()
    req = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/", data=body, method="POST")
    # moto picks the service and region from the credential scope.
    req.add_header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20200101/%s/ec2/aws4_request, "
                   "SignedHeaders=host, Signature=0" % region)
    with urllib.request.urlopen(req, timeout=10) as resp:
        root = ET.fromstring(resp.read())
    for el in root.iter():  # moto's namespace URI varies by a trailing slash
        el.tag = el.tag.split("}", 1)[-1]
    return root


def text(el, path):
    found = el.find(path)
    return found.text if found is not None and found.text else "-"


def tags(el):
    pairs = [(text(t, "key"), text(t, "value")) for t in el.findall("tagSet/item")]
    return ", ".join("%s=%s" % p for p in sorted(pairs)) or "no tags"


def images():
    items = call("DescribeImages", **{"Owner.1": "self", "Filter.1.Name": "name",
                                      "Filter.1.Value.1": "learn-terraform-packer-*"}).findall("imagesSet/item")
    print("baked images (learn-terraform-packer-*): %d" % len(items))
    for i in items:
        print("  %s  %s  %s  [%s]" % (text(i, "imageId"), text(i, "name"), text(i, "imageState"), tags(i)))


def local():
    """The local cloud's own listing: addresses, open ports, disks."""
    try:
        with urllib.request.urlopen(os.environ["AWS_ENDPOINT_URL"] + "/localcloud/instances?urls=1", timeout=10) as resp:
            return {i["id"]: i for i in json.load(resp)}
    except (urllib.error.URLError, ValueError):
        return {}  # a plain moto endpoint


def instances():
    items = call("DescribeInstances").findall("reservationSet/item/instancesSet/item")
    listing = local()
    print("instances: %d" % len(items))
    for i in items:
        state = text(i, "instanceState/name")
        print("  %s  %-13s  image %s  [%s]" % (text(i, "instanceId"), state, text(i, "imageId"), tags(i)))
        info = listing.get(text(i, "instanceId"))
        if info and state == "running":
            listening = set(info["listening"])
            for url in info["urls"]:
                port = url.rstrip("/").rsplit(":", 1)[-1]
                note = "listening" if port.isdigit() and int(port) in listening else "nothing listens there"
                print("      %-34s (%s)" % (url, note))


def keypairs():
    items = call("DescribeKeyPairs").findall("keySet/item")
    print("key pairs: %d%s" % (len(items), "".join("\n  " + text(k, "keyName") for k in items)))


def groups():
    items = [g for g in call("DescribeSecurityGroups").findall("securityGroupInfo/item")
             if text(g, "groupName") != "default"]
    users = {}
    for i in call("DescribeInstances").findall("reservationSet/item/instancesSet/item"):
        if text(i, "instanceState/name") != "terminated":
            for g in i.iter("groupId"):
                users.setdefault(g.text, set()).add(text(i, "instanceId"))
    print("security groups (besides default): %d" % len(items))
    for g in items:
        used = sorted(users.get(text(g, "groupId"), []))
        print("  %s  %s  (%s)" % (text(g, "groupId"), text(g, "groupName"),
                                 "used by " + ", ".join(used) if used else "used by no instance"))


def regions():
    print("regions: %d" % len(call("DescribeRegions").findall("regionInfo/item")))


def state(instance_id):
    try:
        items = call("DescribeInstances", **{"InstanceId.1": instance_id}).findall(
            "reservationSet/item/instancesSet/item")
    except urllib.error.HTTPError:  # InvalidInstanceID.NotFound
        items = []
    print(text(items[0], "instanceState/name") if items else "absent")


def main(args):
    shows = {"images": images, "instances": instances, "keypairs": keypairs, "groups": groups}
    args = args or list(shows)
    shows["regions"] = regions
    while args:
        name = args.pop(0)
        if name == "state":
            state(args.pop(0))
        elif name in shows:
            shows[name]()
        else:
            sys.exit("ec2-show.py: unknown view %r (want %s or state ID)" % (name, "|".join(shows)))


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""Derives HotCRM's standard object catalogue (src/main/resources/io/hotcrm/metadata/standard-objects.json)
from the reference extraction of HotCRM's object definitions (../shared/reference/hotcrm-objects.yaml).

Run it only when the reference changes: python3 tools/derive-catalogue.py ../shared/reference/hotcrm-objects.yaml
The fixes it applies are listed in docs/catalogue.md ("How the standard catalogue was derived").
"""
import json, sys, re, yaml

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/hotcrm-objects.yaml"
OUT = "src/main/resources/io/hotcrm/metadata/standard-objects.json"

UNDEFINED_TARGETS = {"asset", "document", "quote_template", "pricebook_entry", "product_bundle", "price_rule",
                     "queue", "email_template", "marketing_list", "order"}
# Lookup fields renamed so that every lookup ends in _id and its relation name is the name without it.
RENAMES = {("contract", "account"): "account_id", ("contract", "opportunity"): "opportunity_id",
           ("campaign", "parent_campaign"): "parent_campaign_id", ("campaign_member", "campaign"): "campaign_id",
           ("campaign_member", "lead"): "lead_id", ("campaign_member", "contact"): "contact_id",
           ("unsubscribe", "processed_by"): "processed_by_id",
           ("quote_line_item", "ai_recommended_upsell"): "ai_recommended_upsell_id"}
# Account names are not unique in a CRM (duplicates are found by lookups that list the candidates).
NOT_UNIQUE = {("account", "name")}
# Fields that duplicate a system column.
DROP = {("case_comment", "created_by_id")}
VALUE_FIXES = {"realestate": "Real Estate", "RealEstate": "Real Estate", "todo": "To Do",
               "AmountPerUnit": "Amount Per Unit", "TotalAmount": "Total Amount", "OneTime": "One Time",
               "SemiAnnual": "Semi-Annual"}
CURRENCY_CODES = {"cny", "usd", "eur", "gbp", "jpy", "hkd", "aud", "cad"}
OWNED = {"account", "contact", "lead", "opportunity", "contract", "campaign", "case", "activity", "task", "note",
         "quote", "event", "file", "email_message"}

def canonical(v):
    if v in VALUE_FIXES:
        return VALUE_FIXES[v]
    if v in CURRENCY_CODES:
        return v.upper()
    if v == v.lower():
        return " ".join(w.capitalize() for w in v.split("_"))
    if v[0].islower():
        return v[0].upper() + v[1:]
    return v

def picklist(f):
    values = []
    labels = f.get("labels") or {}
    for v in f["values"]:
        c = canonical(v)
        entry = {"value": c}
        if v in labels and labels[v] != c:
            entry["label"] = labels[v]
        aliases = [a for a in {v, labels.get(v)} if a and a.lower() != c.lower()]
        if aliases:
            entry["aliases"] = sorted(aliases)
        if "probability" in f and v in f["probability"]:
            entry["probability"] = f["probability"][v]
        values.append(entry)
    return values

def field(obj, f):
    name = RENAMES.get((obj, f["name"]), f["name"]).replace("p_d_f_", "pdf_")
    t = f["type"]
    out = {"name": name, "label": f["label"][0].upper() + f["label"][1:]}
    if t == "select":
        out["type"] = "picklist"
        out["values"] = picklist(f)
    elif t == "autonumber":
        out["type"] = "text"
        out["unique"] = True
        out["maxLength"] = 40
    elif t == "user_lookup":
        if f.get("owner"):
            out["type"] = "owner"
        else:
            out["type"] = "lookup"
            out["target"] = "user"
    elif t == "lookup":
        if f["target"] in UNDEFINED_TARGETS:
            return None
        out["type"] = "lookup"
        out["target"] = f["target"]
    else:
        out["type"] = t
    if f.get("required"): out["required"] = True
    if f.get("unique") and (obj, f["name"]) not in NOT_UNIQUE: out["unique"] = True
    if f.get("max_length") and t != "autonumber": out["maxLength"] = f["max_length"]
    if t in ("number", "currency", "percent"):
        out["scale"] = f.get("precision", 0 if t == "number" else 2)
    for k in ("min", "max"):
        if k in f: out[k] = f[k]
    if f.get("readonly") and t != "autonumber": out["computed"] = True
    d = f.get("default")
    if d is not None and not (isinstance(d, str) and d.startswith("$")):
        out["default"] = canonical(d) if t == "select" else d
    if f.get("pii"): out["personalData"] = f["pii"]
    if f.get("polymorphic"): out["documentedTargets"] = f["polymorphic"]
    if f.get("on_delete"): out["onDelete"] = f["on_delete"]
    return out

def fld(name, type, label, **kw):
    d = {"name": name, "type": type, "label": label}
    d.update(kw)
    return d

OWNER = fld("owner_id", "owner", "Owner", required=True)
MISSING = {
    "user": dict(label="User", pluralLabel="Users", nameFields=["name"],
                 description="People who sign in to HotCRM and own records.", fields=[
        fld("email", "email", "Email", required=True, unique=True, personalData="contact_info"),
        fld("name", "text", "Full Name", required=True, maxLength=121, personalData="name"),
        fld("active", "boolean", "Active", default=True),
        fld("title", "text", "Title", maxLength=128, personalData="employment"),
        fld("department", "text", "Department", maxLength=80, personalData="employment"),
        fld("phone", "phone", "Phone", personalData="contact_info"),
        fld("time_zone", "text", "Time Zone", maxLength=64),
        fld("role", "text", "Role", maxLength=80)]),
    "opportunity_line_item": dict(label="Opportunity Product", pluralLabel="Opportunity Products", nameFields=[],
                 description="Products on an opportunity, with quantity and price.", fields=[
        fld("opportunity_id", "lookup", "Opportunity", target="opportunity", required=True),
        fld("product_id", "lookup", "Product", target="product", required=True),
        fld("quantity", "number", "Quantity", required=True, scale=2),
        fld("list_price", "currency", "List Price", scale=2),
        fld("unit_price", "currency", "Sales Price", scale=2),
        fld("discount", "percent", "Discount", scale=2),
        fld("total_price", "currency", "Total Price", scale=2),
        fld("service_date", "date", "Service Date"),
        fld("description", "textarea", "Line Description")]),
    "event": dict(label="Event", pluralLabel="Events", nameFields=["subject"],
                 description="Calendar events: meetings, calls and demos.", fields=[
        fld("subject", "text", "Subject", required=True, maxLength=255),
        fld("type", "picklist", "Type", values=[{"value": v} for v in ["Meeting", "Call", "Demo", "Lunch", "Other"]]),
        fld("start_at", "datetime", "Start", required=True),
        fld("end_at", "datetime", "End"),
        fld("all_day", "boolean", "All-Day Event", default=False),
        fld("location", "text", "Location", maxLength=255),
        fld("is_online", "boolean", "Online Meeting", default=False),
        fld("meeting_link", "url", "Meeting Link"),
        fld("who_id", "lookup", "Contact", target="contact", personalData="person_link"),
        fld("lead_id", "lookup", "Lead", target="lead", personalData="person_link"),
        fld("what_id", "lookup", "Account", target="account"),
        fld("opportunity_id", "lookup", "Opportunity", target="opportunity"),
        fld("description", "textarea", "Description", personalData="free_text"), OWNER]),
    "file": dict(label="File", pluralLabel="Files", nameFields=["name"],
                 description="Attachment metadata; the bytes live in the file store.", fields=[
        fld("name", "text", "File Name", required=True, maxLength=255),
        fld("content_type", "text", "Content Type", maxLength=255),
        fld("size_bytes", "number", "Size (bytes)", scale=0),
        fld("storage_key", "text", "Storage Key", maxLength=1024),
        fld("checksum_sha256", "text", "SHA-256", maxLength=64),
        fld("parent_object", "text", "Parent Object", maxLength=80),
        fld("parent_id", "text", "Parent Record", maxLength=36),
        fld("description", "textarea", "Description", personalData="free_text"), OWNER]),
    "email_message": dict(label="Email", pluralLabel="Emails", nameFields=["subject"],
                 description="Logged emails, linked to contacts and leads.", fields=[
        fld("subject", "text", "Subject", maxLength=998, personalData="free_text"),
        fld("body", "textarea", "Body", personalData="free_text"),
        fld("from_address", "email", "From", personalData="contact_info"),
        fld("to_address", "text", "To", maxLength=4000, personalData="contact_info"),
        fld("cc_address", "text", "Cc", maxLength=4000, personalData="contact_info"),
        fld("sent_at", "datetime", "Sent"),
        fld("direction", "picklist", "Direction", values=[{"value": "Inbound"}, {"value": "Outbound"}]),
        fld("status", "picklist", "Status", values=[{"value": v} for v in ["Sent", "Received", "Draft", "Bounced"]]),
        fld("message_id", "text", "Message-ID", maxLength=998, personalData="online_identifier"),
        fld("contact_id", "lookup", "Contact", target="contact", personalData="person_link"),
        fld("lead_id", "lookup", "Lead", target="lead", personalData="person_link"),
        fld("account_id", "lookup", "Account", target="account"),
        fld("opportunity_id", "lookup", "Opportunity", target="opportunity"),
        fld("case_id", "lookup", "Case", target="case"), OWNER]),
}

def main():
    src = yaml.safe_load(open(SRC, encoding="utf-8"))
    objects = []
    for name, o in src["objects"].items():
        fields = [x for x in (field(name, f) for f in o["fields"] if (name, f["name"]) not in DROP) if x]
        if name == "contract":
            fields.insert(0, fld("name", "text", "Contract Name", maxLength=255))
            fields.append(fld("contact_id", "lookup", "Customer Signed By", target="contact", personalData="person_link"))
        if name in OWNED and not any(f["type"] == "owner" for f in fields):
            fields.append(dict(OWNER))
        name_fields = {"contact": ["first_name", "last_name"], "lead": ["first_name", "last_name"],
                       "contract": ["name"]}.get(name) or ([o["name_field"]] if o.get("name_field") else [])
        objects.append({"name": name, "label": o["label"], "pluralLabel": o["plural_label"],
                        "description": o.get("description", ""), "nameFields": name_fields, "fields": fields})
    for name, o in MISSING.items():
        if name in OWNED and not any(f["type"] == "owner" for f in o["fields"]):
            o["fields"].append(dict(OWNER))
        objects.append({"name": name, **o})
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump({"format": "hotcrm-catalogue/1", "objects": objects}, out, indent=1, ensure_ascii=False)
        out.write("\n")
    print(f"{len(objects)} objects, {sum(len(o['fields']) for o in objects)} fields -> {OUT}")

main()

#!/usr/bin/env python3
"""Writes a Salesforce sandbox data dir (one JSON array per object, "@Obj:i"
for the i-th record of Obj) with about N records across the 8 objects that
story S2 imports, in the proportions of a small sales org."""
import json
import os
import sys

n = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
share = {"Product2": 0.02, "Account": 0.12, "Contact": 0.24, "Opportunity": 0.14,
         "Order": 0.08, "OrderItem": 0.20, "Quote": 0.06, "QuoteLineItem": 0.14}
count = {k: max(1, int(n * v)) for k, v in share.items()}
stages = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
          "Negotiation/Review", "Closed Won", "Closed Lost"]
countries = ["United States", "Germany", "DE", "United Kingdom", "France"]
data = {
    "Product2": [{"Name": f"Product {i}", "ProductCode": f"SKU-{i}" if i % 5 else None,
                  "Family": "Hardware", "IsActive": True, "Description": f"product {i}"}
                 for i in range(count["Product2"])],
    "Account": [{"Name": f"Company {i}", "Industry": "Technology", "BillingStreet": f"{i} Main St",
                 "BillingCity": "Springfield", "BillingState": "CA", "BillingPostalCode": "90001",
                 "BillingCountry": countries[i % 5], "NumberOfEmployees": i % 5000,
                 "AnnualRevenue": 1000 * (i % 97), "Phone": "555-0100",
                 "Website": f"https://c{i}.example.com"} for i in range(count["Account"])],
    "Contact": [{"FirstName": f"First{i}", "LastName": f"Last{i}", "Email": f"c{i}@example.com",
                 "AccountId": f"@Account:{i % count['Account']}", "Department": "Sales",
                 "MailingCountry": "United Kingdom", "MailingCity": "London"}
                for i in range(count["Contact"])],
    "Opportunity": [{"Name": f"Deal {i}", "AccountId": f"@Account:{i % count['Account']}",
                     "StageName": stages[i % 7], "CloseDate": "2026-03-15",
                     "Amount": 1000 + i % 9000, "Probability": (i * 5) % 100,
                     "LeadSource": "Web", "Type": "New Customer"}
                    for i in range(count["Opportunity"])],
    "Order": [{"AccountId": f"@Account:{i % count['Account']}", "EffectiveDate": "2026-02-01",
               "Status": "Draft" if i % 2 else "Activated", "OrderNumber": f"{i:08d}",
               "TotalAmount": 99.9, "BillingCountry": "USA", "BillingCity": "Austin"}
              for i in range(count["Order"])],
    "OrderItem": [{"OrderId": f"@Order:{i % count['Order']}",
                   "Product2Id": f"@Product2:{i % count['Product2']}", "Quantity": 2,
                   "UnitPrice": 10.25, "TotalPrice": 20.5, "Description": f"item {i}"}
                  for i in range(count["OrderItem"])],
    "Quote": [{"Name": f"Quote {i}", "OpportunityId": f"@Opportunity:{i % count['Opportunity']}",
               "AccountId": f"@Account:{i % count['Account']}",
               "ContactId": f"@Contact:{i % count['Contact']}", "QuoteNumber": f"{i:08d}",
               "Status": "Draft", "Subtotal": 200, "Discount": 5, "Tax": 19, "TotalPrice": 209,
               "ExpirationDate": "2026-04-30"} for i in range(count["Quote"])],
    "QuoteLineItem": [{"QuoteId": f"@Quote:{i % count['Quote']}",
                       "Product2Id": f"@Product2:{i % count['Product2']}",
                       "LineNumber": str(i % 50 + 1), "Quantity": 1, "UnitPrice": 100,
                       "Subtotal": 100, "TotalPrice": 100, "Description": f"line {i}"}
                      for i in range(count["QuoteLineItem"])],
}
for obj, recs in data.items():
    for r in recs:
        for k in [k for k, v in r.items() if v is None]:
            del r[k]
    with open(os.path.join(out, obj + ".json"), "w") as f:
        json.dump(recs, f)
print(sum(len(v) for v in data.values()))

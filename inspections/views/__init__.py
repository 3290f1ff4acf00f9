"""Inspection pages, one module per audience: workspace (HMICFRS), force (factual accuracy),
area (OPCC and chief's office: inspections in my area, embargoed copies), public, documents (PDF)."""

"""What would change the outcome (issue #11 item 3): proposals computed from the IR and the
evaluated proof (`whatif.propose`), the records a proposal adds (`whatif.witness`), applying a
proposal to an applicant (`whatif.apply`) and the facts no proposal may change
(`whatif.fixed`)."""

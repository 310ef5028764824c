"""The applicant input stage: vocabulary, published schema, validation into Facts."""

import click


@click.command("import-schools")
def import_schools_command():
    raise click.ClickException("not yet")
